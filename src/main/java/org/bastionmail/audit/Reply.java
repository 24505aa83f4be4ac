package org.bastionmail.audit;

import java.util.List;

/** One SMTP, IMAP or POP3 server reply as read off the wire; {@code code} is 0 for IMAP/POP3 lines. */
record Reply(int code, List<String> lines) {
    Reply {
        lines = List.copyOf(lines);
    }

    boolean positive() {
        return code >= 200 && code < 400;
    }

    String text() {
        return String.join("\n", lines);
    }
}
