package org.bastionmail.store;

import java.util.Optional;

/**
 * The IMAP system flags that are stored with a message (RFC 9051 2.3.2). {@code \Recent} is not one:
 * it belongs to a session, not to the message.
 */
public enum Flag {
    SEEN("\\Seen"),
    ANSWERED("\\Answered"),
    FLAGGED("\\Flagged"),
    DELETED("\\Deleted"),
    DRAFT("\\Draft");

    private final String atom;

    Flag(String atom) {
        this.atom = atom;
    }

    /** The flag as written in IMAP, e.g. {@code \Seen}. */
    public String atom() {
        return atom;
    }

    public static Optional<Flag> fromAtom(String atom) {
        for (Flag flag : values()) {
            if (flag.atom.equalsIgnoreCase(atom)) {
                return Optional.of(flag);
            }
        }
        return Optional.empty();
    }
}
