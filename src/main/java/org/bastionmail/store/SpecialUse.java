package org.bastionmail.store;

import java.util.Optional;

/** The special-use mailbox attributes of RFC 6154 2, which tell clients what a mailbox is for. */
public enum SpecialUse {
    ALL("\\All"),
    ARCHIVE("\\Archive"),
    DRAFTS("\\Drafts"),
    FLAGGED("\\Flagged"),
    JUNK("\\Junk"),
    SENT("\\Sent"),
    TRASH("\\Trash");

    private final String attribute;

    SpecialUse(String attribute) {
        this.attribute = attribute;
    }

    /** The attribute as written in LIST responses, e.g. {@code \Sent}. */
    public String attribute() {
        return attribute;
    }

    /** The special use named by {@code attribute}, compared case-insensitively as IMAP atoms are. */
    public static Optional<SpecialUse> fromAttribute(String attribute) {
        for (SpecialUse use : values()) {
            if (use.attribute.equalsIgnoreCase(attribute)) {
                return Optional.of(use);
            }
        }
        return Optional.empty();
    }
}
