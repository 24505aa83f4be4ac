package org.bastionmail.filter;

import java.util.List;

/** What one content filter (a milter, rspamd) said about a message. */
public sealed interface FilterVerdict {
    /**
     * Let the message through: plain accept, tagged ({@code fields} non-empty), and/or into Junk.
     *
     * @param fields header fields Bastion adds in front of the message ({@code Name: value}, no CRLF), e.g. X-Spam-*
     * @param edits changes the filter made to the message's own header section (milter ADDHEADER, CHGHEADER...)
     * @param junk deliver to the recipients' Junk mailbox
     */
    record Accept(List<String> fields, List<HeaderEdit> edits, boolean junk) implements FilterVerdict {
        public static final Accept PLAIN = new Accept(List.of(), List.of(), false);

        public Accept {
            fields = List.copyOf(fields);
            edits = List.copyOf(edits);
            for (String field : fields) {
                int colon = field.indexOf(':');
                if (colon < 1 || field.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                    throw new IllegalArgumentException("not a one-line header field: " + field);
                }
            }
        }
    }

    /** Refuse the message: a 5xx reply for reject, a 4xx one for tempfail. */
    record Refuse(int code, String enhancedCode, String text) implements FilterVerdict {
        public Refuse {
            if (code < 400 || code > 599) {
                throw new IllegalArgumentException("a refusal is a 4xx or 5xx reply: " + code);
            }
            if (!enhancedCode.matches("[45]\\.\\d{1,3}\\.\\d{1,3}") || enhancedCode.charAt(0) - '0' != code / 100) {
                throw new IllegalArgumentException("enhanced code " + enhancedCode + " does not fit reply " + code);
            }
        }
    }

    /** Take the message (250) and drop it, as Postfix does for a milter's discard. */
    record Discard(String reason) implements FilterVerdict {}
}
