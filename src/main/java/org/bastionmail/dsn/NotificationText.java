package org.bastionmail.dsn;

import java.util.List;

/** The human-readable first part of a DSN (RFC 6522 3): who was not reached, and what the servers said. */
final class NotificationText {
    private static final int MAX_REPLY_LINES = 20;
    private static final int MAX_REPLY_LINE = 500;
    private static final int MAX_DETAIL = 1000;

    private NotificationText() {}

    /** UTF-8 text in CRLF lines; the caller encodes it. */
    static String write(String reportingMta, DsnKind kind, List<RecipientOutcome> outcomes, ReturnedContent returned) {
        StringBuilder out = new StringBuilder();
        line(out, "This is the mail system at " + reportingMta + ".");
        line(out, "");
        switch (kind) {
            case FAILURE -> {
                line(out, "Your message could not be delivered to one or more of its recipients.");
                line(out, "Those reported as failed below will not receive it: the mail system gave up.");
            }
            case DELAY -> {
                line(out, "Your message has not yet reached one or more recipients.");
                line(out, "The mail system keeps trying; you do not need to send it again.");
            }
            case SUCCESS -> line(out, "This is the delivery report you asked for.");
        }
        line(out, "");
        for (RecipientOutcome outcome : outcomes) {
            recipient(out, outcome);
            line(out, "");
        }
        if (returned.headersOnly()) {
            line(out, "The header section of your message is attached.");
        } else {
            line(out, "Your message is attached.");
        }
        return out.toString();
    }

    private static void recipient(StringBuilder out, RecipientOutcome outcome) {
        Attempt attempt = outcome.attempt();
        String status = StatusFields.action(outcome);
        line(out, "<" + FieldText.utf8(outcome.recipient().address().toString()) + ">: " + status + " ("
                + StatusFields.status(outcome) + ")");
        String detail = FieldText.cap(FieldText.utf8(attempt.detail()), MAX_DETAIL);
        if (!detail.isEmpty()) {
            line(out, "    " + detail);
        }
        attempt.smtpReply().ifPresent(reply -> {
            String host = attempt.remoteMta().map(FieldText::utf8).orElse("the remote server");
            line(out, "    " + FieldText.cap(host, 255) + " said:");
            // The reply is the remote server's text: every line of it is cleaned and indented, so it can
            // neither end the part nor pose as the mail system's own words.
            String[] lines = reply.split("\r\n|\r|\n");
            for (int i = 0; i < Math.min(lines.length, MAX_REPLY_LINES); i++) {
                String text = FieldText.cap(FieldText.utf8(lines[i]), MAX_REPLY_LINE);
                if (!text.isEmpty()) {
                    line(out, "        " + text);
                }
            }
            if (lines.length > MAX_REPLY_LINES) {
                line(out, "        ...");
            }
        });
        if (outcome instanceof RecipientOutcome.Delayed delayed) {
            line(out, "    Delivery will be tried until " + StatusFields.date(delayed.willRetryUntil()) + ".");
        }
    }

    private static void line(StringBuilder out, String text) {
        out.append(text).append("\r\n");
    }
}
