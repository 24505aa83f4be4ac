package org.bastionmail.dsn;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;

/** The body of the message/delivery-status part (RFC 3464 2), or message/global-delivery-status (RFC 6533). */
final class StatusFields {
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    /** ENVID is at most 100 characters (RFC 3461 4.4), ORCPT 500 (4.2); replies get a generous cap. */
    private static final int MAX_ENVID = 100;
    private static final int MAX_ORCPT = 500;
    private static final int MAX_DIAGNOSTIC = 1000;
    private static final int MAX_HOST = 255;

    private StatusFields() {}

    static String write(String reportingMta, Envelope original, List<RecipientOutcome> outcomes, boolean global) {
        StringBuilder out = new StringBuilder();
        // RFC 3464 2.2: per-message fields, then one group per recipient, groups separated by empty lines.
        FieldText.field(out, "Reporting-MTA", "dns; " + reportingMta);
        original.envId().map(id -> global ? FieldText.utf8(id) : FieldText.ascii(id))
                .filter(id -> !id.isEmpty())
                .ifPresent(id -> FieldText.field(out, "Original-Envelope-Id", FieldText.cap(id, MAX_ENVID)));
        FieldText.field(out, "Arrival-Date", DATE.format(original.receivedAt()));
        for (RecipientOutcome outcome : outcomes) {
            out.append("\r\n");
            recipient(out, outcome, global);
        }
        return out.toString();
    }

    private static void recipient(StringBuilder out, RecipientOutcome outcome, boolean global) {
        Attempt attempt = outcome.attempt();
        originalRecipient(outcome.recipient().orcpt(), global)
                .ifPresent(v -> FieldText.field(out, "Original-Recipient", v));
        FieldText.field(out, "Final-Recipient", address(outcome.recipient().address()));
        FieldText.field(out, "Action", action(outcome));
        FieldText.field(out, "Status", status(outcome));
        attempt.remoteMta().map(StatusFields::host).filter(h -> !h.isEmpty())
                .ifPresent(h -> FieldText.field(out, "Remote-MTA", "dns; " + h));
        // RFC 3464 2.3.6: the reply as the remote server gave it, on one folded line; ASCII unless the
        // report is global (RFC 6533 3 lets its text be UTF-8).
        Optional<String> diagnostic = attempt.smtpReply()
                .map(r -> "smtp; " + FieldText.cap(global ? FieldText.utf8(r) : FieldText.ascii(r), MAX_DIAGNOSTIC))
                .or(() -> Optional.of(FieldText.ascii(attempt.detail())).filter(d -> !d.isEmpty())
                        .map(d -> "X-Bastion; " + FieldText.cap(d, MAX_DIAGNOSTIC)));
        diagnostic.ifPresent(d -> FieldText.field(out, "Diagnostic-Code", d));
        if (outcome instanceof RecipientOutcome.Failed || outcome instanceof RecipientOutcome.Delayed) {
            FieldText.field(out, "Last-Attempt-Date", DATE.format(attempt.at()));
        }
        if (outcome instanceof RecipientOutcome.Delayed delayed) {
            FieldText.field(out, "Will-Retry-Until", DATE.format(delayed.willRetryUntil()));
        }
    }

    static String action(RecipientOutcome outcome) {
        return switch (outcome) {
            case RecipientOutcome.Failed _ -> "failed";
            case RecipientOutcome.Delayed _ -> "delayed";
            case RecipientOutcome.Delivered _ -> "delivered";
            case RecipientOutcome.Relayed _ -> "relayed";
            case RecipientOutcome.Expanded _ -> "expanded";
        };
    }

    /** RFC 3464 2.3.4: the status, its class agreeing with the action. */
    static String status(RecipientOutcome outcome) {
        return outcome.attempt().statusWithClass(statusClass(outcome));
    }


    private static char statusClass(RecipientOutcome outcome) {
        return switch (outcome) {
            case RecipientOutcome.Failed _ -> '5';
            case RecipientOutcome.Delayed _ -> '4';
            case RecipientOutcome.Delivered _, RecipientOutcome.Relayed _, RecipientOutcome.Expanded _ -> '2';
        };
    }

    /** RFC 3464 2.3.2 rfc822 address, or RFC 6533 3 utf-8 address when it is not ASCII. */
    static String address(MailAddress address) {
        String text = FieldText.utf8(address.toString());
        return FieldText.isAscii(text) ? "rfc822; " + FieldText.ascii(text) : "utf-8; " + FieldText.unitext(text);
    }

    /** RFC 3461 6.3 / RFC 3464 2.3.1: the ORCPT as given, its address xtext-decoded when it was kept. */
    private static Optional<String> originalRecipient(Optional<String> orcpt, boolean global) {
        return orcpt.flatMap(o -> {
            int semi = o.indexOf(';');
            String type = semi < 0 ? "" : o.substring(0, semi).strip();
            if (!type.matches("[A-Za-z0-9-]{1,32}")) {
                return Optional.empty();
            }
            String value = FieldText.cap(FieldText.utf8(o.substring(semi + 1)), MAX_ORCPT);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            if (!FieldText.isAscii(value)) {
                // RFC 6533 3: only a global DSN carries UTF-8 (needsGlobal chose one for this recipient).
                return Optional.of(global ? "utf-8; " + FieldText.unitext(value) : type + "; " + FieldText.ascii(value));
            }
            return Optional.of(type.toLowerCase(Locale.ROOT) + "; " + value);
        });
    }

    private static String host(String host) {
        return FieldText.cap(FieldText.ascii(host).replace(" ", ""), MAX_HOST);
    }

    static boolean needsGlobal(Envelope original, List<RecipientOutcome> outcomes) {
        if (original.smtpUtf8() || original.sender().map(s -> !FieldText.isAscii(s.toString())).orElse(false)) {
            return true;
        }
        return outcomes.stream().anyMatch(o -> !FieldText.isAscii(o.recipient().address().toString())
                || o.recipient().orcpt().map(v -> !FieldText.isAscii(v)).orElse(false));
    }

    static String date(Instant instant) {
        return DATE.format(instant);
    }
}
