package org.bastionmail.store;

import java.util.Optional;

/**
 * A mailbox of an account as IMAP sees it.
 *
 * @param id the store's numeric id; content files are named by it, never by {@code name}
 * @param name the full name, hierarchy separated by {@code /}; {@code INBOX} is always spelled so
 * @param uidValidity RFC 9051 2.3.1.1: changes whenever UIDs of this name may have been reused
 * @param uidNext the UID the next message will get
 * @param highestModSeq RFC 7162 3.1.1: the highest MODSEQ of any change in the mailbox
 * @param specialUse RFC 6154 attribute, if any
 * @param subscribed whether it is in the account's subscription list (RFC 9051 6.3.7)
 */
public record Mailbox(
        long id,
        String account,
        String name,
        long uidValidity,
        long uidNext,
        long highestModSeq,
        Optional<SpecialUse> specialUse,
        boolean subscribed) {

    public static final String INBOX = "INBOX";
    public static final char SEPARATOR = '/';
    static final int MAX_NAME_LENGTH = 255;
    private static final int MAX_LEVELS = 16;

    /**
     * Checks a mailbox name and returns it with {@code INBOX} in its canonical spelling
     * (RFC 9051 5.1: INBOX is case-insensitive). Names are plain Unicode text: the modified UTF-7 of
     * IMAP4rev1 is an encoding for the wire, not for the store.
     */
    public static String checkName(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("mailbox name must be 1 to " + MAX_NAME_LENGTH + " characters");
        }
        String[] levels = name.split(String.valueOf(SEPARATOR), -1);
        if (levels.length > MAX_LEVELS) {
            throw new IllegalArgumentException("mailbox name has more than " + MAX_LEVELS + " levels");
        }
        for (String level : levels) {
            if (level.isEmpty()) {
                throw new IllegalArgumentException("mailbox name has an empty level: " + name);
            }
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            // RFC 9051 5.1: wildcards and controls make LIST patterns ambiguous.
            if (c < 0x20 || c == 0x7f || c == '*' || c == '%' || Character.isISOControl(c)) {
                throw new IllegalArgumentException("mailbox name has a forbidden character");
            }
        }
        if (levels[0].equalsIgnoreCase(INBOX)) {
            return INBOX + name.substring(INBOX.length());
        }
        return name;
    }
}
