package org.bastionmail.smtp.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.bastionmail.smtp.client.ConnectionFailure.Stage;

/**
 * One mail transaction (RFC 5321 3.3): MAIL, RCPT for each recipient, DATA, content, final dot; all
 * commands up to DATA sent as one group when the server offers PIPELINING (RFC 2920 3.1).
 */
final class MailTransaction {
    private final Wire wire;
    private final ServerInfo server;
    private final Optional<TlsInfo> tls;
    private final Timeouts timeouts;
    private final OutboundMessage message;
    /** Per recipient: the final status, or null while accepted and waiting for the end of data. */
    private final RecipientStatus[] statuses;
    private boolean leftOpen;

    MailTransaction(Wire wire, ServerInfo server, Optional<TlsInfo> tls, Timeouts timeouts, OutboundMessage message) {
        this.wire = wire;
        this.server = server;
        this.tls = tls;
        this.timeouts = timeouts;
        this.message = message;
        this.statuses = new RecipientStatus[message.recipients().size()];
    }

    /** Whether the server still holds an unfinished transaction (MAIL accepted, no final dot): RSET first. */
    boolean leftOpen() {
        return leftOpen;
    }

    MessageResult notSent(ConnectionFailure failure) {
        SmtpReply reply = SmtpReply.local(451, "4.4.2", failure.detail());
        return result(new RecipientStatus.TempFailed(reply), Optional.of(failure));
    }

    MessageResult run() {
        Optional<SmtpReply> refusal = refusal();
        if (refusal.isPresent()) {
            return result(new RecipientStatus.PermFailed(refusal.get()), Optional.empty());
        }
        Stage stage = Stage.MAIL;
        try {
            List<String> rcpts = new ArrayList<>();
            for (Envelope.Recipient r : message.recipients()) {
                rcpts.add(rcptCommand(r));
            }
            boolean pipelining = server.supports("PIPELINING");
            wire.write(mailCommand());
            if (pipelining) {
                // RFC 2920 3.1: MAIL, every RCPT and DATA in one group; DATA is the last command of it
                for (String rcpt : rcpts) {
                    wire.write(rcpt);
                }
                wire.write("DATA");
            }
            wire.flush(timeouts.mail());
            SmtpReply mail = wire.read(timeouts.mail());
            leftOpen = mail.positive();
            stage = Stage.RCPT;
            for (int i = 0; i < rcpts.size(); i++) {
                if (!pipelining && !mail.positive()) {
                    break;
                }
                if (!pipelining) {
                    wire.write(rcpts.get(i));
                    wire.flush(timeouts.rcpt());
                }
                SmtpReply rcpt = wire.read(timeouts.rcpt());
                if (mail.positive() && !rcpt.positive()) {
                    statuses[i] = failed(rcpt); // final even if the connection breaks later
                }
            }
            if (!mail.positive()) {
                decideAccepted(failed(mail));
            }
            boolean anyAccepted = java.util.Arrays.stream(statuses).anyMatch(java.util.Objects::isNull);
            stage = Stage.DATA;
            SmtpReply data;
            if (pipelining) {
                data = wire.read(timeouts.dataInit());
            } else if (anyAccepted) {
                data = wire.command("DATA", timeouts.dataInit());
            } else {
                return result(null, Optional.empty());
            }
            if (data.code() != 354) {
                decideAccepted(failed(data));
                return result(null, Optional.empty());
            }
            stage = Stage.END_OF_DATA;
            if (!anyAccepted) {
                // RFC 2920 3.1: a server that says 354 with no valid recipient gets an empty message
                wire.write(".");
                wire.flush(timeouts.dataBlock());
                wire.read(timeouts.dataEnd());
                return result(null, Optional.empty());
            }
            writeContent();
            SmtpReply end = wire.read(timeouts.dataEnd());
            leftOpen = false;
            decideAccepted(end.positive() ? new RecipientStatus.Delivered(end) : failed(end));
            return result(null, Optional.empty());
        } catch (IOException | RuntimeException e) {
            // the outcome of an unanswered final dot is unknown: RFC 5321 6.1 prefers a duplicate to a loss
            ConnectionFailure failure = ConnectionFailure.temporary(SmtpConnection.stageOf(
                    e instanceof IOException io ? io : new IOException(e), stage), describe(e));
            SmtpReply reply = SmtpReply.local(451, "4.4.2", "connection failed: " + failure.detail());
            for (int i = 0; i < statuses.length; i++) {
                if (statuses[i] == null) {
                    statuses[i] = new RecipientStatus.TempFailed(reply);
                }
            }
            return result(null, Optional.of(failure));
        }
    }

    private void writeContent() throws IOException {
        OutputStream out = wire.data(timeouts.dataBlock());
        try (InputStream in = message.content().open()) {
            DotStuffer.copy(in, out);
        }
        wire.flush(timeouts.dataBlock());
    }

    /** Reasons this server can never take the message, found before sending anything. */
    private Optional<SmtpReply> refusal() {
        // RFC 8689 4.2.1 applies to messages with a reverse-path; a bounce is sent anyway (RFC 8689 5)
        if (message.requireTls() && message.sender().isPresent()) {
            if (tls.isEmpty() || !tls.get().verified()) {
                return Optional.of(SmtpReply.local(550, "5.7.10",
                        "REQUIRETLS: the connection to the receiving server is not TLS with a verified certificate"));
            }
            if (!server.supports("REQUIRETLS")) {
                return Optional.of(SmtpReply.local(550, "5.7.30",
                        "REQUIRETLS support required: the receiving server does not offer REQUIRETLS"));
            }
        }
        boolean utf8Needed = message.smtpUtf8() || !ascii(message.sender().map(MailAddress::toString).orElse(""))
                || message.recipients().stream().anyMatch(r -> !ascii(r.address().toString()));
        if (utf8Needed && !server.supports("SMTPUTF8")) {
            // RFC 6531 3.2: no downgrade here, so a non-delivery report
            return Optional.of(SmtpReply.local(553, "5.6.7",
                    "the receiving server does not support SMTPUTF8, which this message needs"));
        }
        if (message.body() == Envelope.BodyType.EIGHT_BIT_MIME && !server.supports("8BITMIME")) {
            // RFC 6152 3: 8-bit content must not go to a server without 8BITMIME; we do not convert
            return Optional.of(SmtpReply.local(554, "5.6.3",
                    "the receiving server does not support 8BITMIME, and the message has 8-bit content"));
        }
        if (message.body() == Envelope.BodyType.BINARY_MIME) {
            // RFC 3030 3: binary content needs BDAT, which this client does not send
            return Optional.of(SmtpReply.local(554, "5.6.3", "binary content cannot be relayed"));
        }
        OptionalLong limit = server.sizeLimit();
        if (limit.isPresent() && message.content().size() > limit.getAsLong()) {
            // RFC 1870 6.1: over the server's fixed maximum is a permanent failure
            return Optional.of(SmtpReply.local(552, "5.3.4",
                    "message size exceeds the receiving server's limit of " + limit.getAsLong()));
        }
        if (unsafe(message.sender().map(MailAddress::toString).orElse(""))
                || message.recipients().stream().anyMatch(r -> unsafe(r.address().toString()))) {
            return Optional.of(SmtpReply.local(553, "5.1.3", "address with control characters"));
        }
        return Optional.empty();
    }

    private String mailCommand() {
        StringBuilder mail = new StringBuilder("MAIL FROM:<")
                .append(message.sender().map(MailAddress::toString).orElse("")).append('>');
        if (server.supports("SIZE")) {
            mail.append(" SIZE=").append(message.content().size()); // RFC 1870 3
        }
        if (message.body() == Envelope.BodyType.EIGHT_BIT_MIME) {
            mail.append(" BODY=8BITMIME"); // RFC 6152 2
        }
        if (message.smtpUtf8() || !ascii(mail.toString())) {
            mail.append(" SMTPUTF8"); // RFC 6531 3.4
        }
        if (requireTlsParameter()) {
            mail.append(" REQUIRETLS"); // RFC 8689 2
        }
        if (server.supports("DSN")) {
            // RFC 3461 4.3, 4.4
            message.ret().ifPresent(ret -> mail.append(" RET=").append(ret == Envelope.Ret.FULL ? "FULL" : "HDRS"));
            message.envId().ifPresent(id -> mail.append(" ENVID=").append(Xtext.encode(id)));
        }
        return mail.toString();
    }

    /** RFC 8689 2: the parameter only in a session that meets its requirements (refusal() checked the rest). */
    private boolean requireTlsParameter() {
        return message.requireTls() && server.supports("REQUIRETLS") && tls.isPresent() && tls.get().verified();
    }

    private String rcptCommand(Envelope.Recipient recipient) {
        StringBuilder rcpt = new StringBuilder("RCPT TO:<").append(recipient.address()).append('>');
        if (server.supports("DSN")) {
            if (!recipient.notifyOn().isEmpty()) {
                // RFC 3461 4.1: NEVER alone, or a list of SUCCESS, FAILURE, DELAY
                rcpt.append(" NOTIFY=").append(recipient.notifyOn().stream()
                        .map(n -> n.name().toUpperCase(Locale.ROOT)).sorted().collect(Collectors.joining(",")));
            }
            recipient.orcpt().ifPresent(orcpt -> {
                // RFC 3461 4.2: addr-type ";" xtext
                int semicolon = orcpt.indexOf(';');
                if (semicolon > 0) {
                    rcpt.append(" ORCPT=").append(orcpt, 0, semicolon).append(';')
                            .append(Xtext.encode(orcpt.substring(semicolon + 1)));
                }
            });
        }
        return rcpt.toString();
    }

    private void decideAccepted(RecipientStatus status) {
        for (int i = 0; i < statuses.length; i++) {
            if (statuses[i] == null) {
                statuses[i] = status;
            }
        }
    }

    private static RecipientStatus failed(SmtpReply reply) {
        return reply.permanentFailure() ? new RecipientStatus.PermFailed(reply) : new RecipientStatus.TempFailed(reply);
    }

    /** Every recipient without a status gets {@code rest}. */
    private MessageResult result(RecipientStatus rest, Optional<ConnectionFailure> failure) {
        List<RecipientResult> results = new ArrayList<>();
        for (int i = 0; i < statuses.length; i++) {
            RecipientStatus status = statuses[i] != null ? statuses[i] : rest;
            if (status == null) {
                throw new IllegalStateException("recipient left undecided");
            }
            results.add(new RecipientResult(message.recipients().get(i), status));
        }
        return new MessageResult(results, failure);
    }

    private static String describe(Exception e) {
        return e instanceof java.net.SocketTimeoutException ? "timeout: " + e.getMessage()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static boolean ascii(String text) {
        return text.chars().allMatch(c -> c < 0x80);
    }

    private static boolean unsafe(String text) {
        return text.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '<' || c == '>');
    }
}
