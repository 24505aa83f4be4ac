package org.bastionmail.filter;

/**
 * One change a content filter makes to the header section of a message (the milter protocol's header
 * actions). Names are field names (RFC 5322 2.2: printable ASCII but colon); values are unfolded or folded
 * with CRLF followed by a space or tab, never with a bare CR or LF.
 */
public sealed interface HeaderEdit {
    String name();

    String value();

    /** Appends a field after the last one (SMFIR_ADDHEADER). */
    record Add(String name, String value) implements HeaderEdit {
        public Add {
            check(name, value);
        }
    }

    /** Inserts a field before the field at {@code index} (0 is the first); past the end it is appended (SMFIR_INSHEADER). */
    record Insert(int index, String name, String value) implements HeaderEdit {
        public Insert {
            check(name, value);
            if (index < 0) {
                throw new IllegalArgumentException("negative index");
            }
        }
    }

    /**
     * Replaces the {@code occurrence}-th field called {@code name} (1 is the first, case-insensitive); an empty
     * value removes it; a missing one is added at the end (SMFIR_CHGHEADER, as libmilter's smfi_chgheader says).
     */
    record Change(String name, int occurrence, String value) implements HeaderEdit {
        public Change {
            check(name, value);
            if (occurrence < 1) {
                throw new IllegalArgumentException("occurrences count from 1");
            }
        }
    }

    private static void check(String name, String value) {
        // RFC 5322 2.2: field-name = 1*ftext, printable US-ASCII except colon; 2.1.1: 998 characters a line
        if (name.isEmpty() || name.length() > 998 || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ':')) {
            throw new IllegalArgumentException("bad header field name");
        }
        if (value.length() > 65_536) {
            throw new IllegalArgumentException("header field value too long");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0 || c > 0xff) {
                throw new IllegalArgumentException("NUL or non-octet in a header field value");
            }
            // RFC 5322 2.2.3: a line break only as part of folding white space
            if (c == '\r' && !(i + 2 < value.length() && value.charAt(i + 1) == '\n'
                    && (value.charAt(i + 2) == ' ' || value.charAt(i + 2) == '\t'))) {
                throw new IllegalArgumentException("bare CR or CRLF without folding white space in a header field value");
            }
            if (c == '\n' && (i == 0 || value.charAt(i - 1) != '\r')) {
                throw new IllegalArgumentException("bare LF in a header field value");
            }
        }
    }
}
