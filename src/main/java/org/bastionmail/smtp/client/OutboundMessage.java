package org.bastionmail.smtp.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;

/**
 * One message to send in one transaction: the envelope as the queue keeps it, for the recipients that go
 * to this server.
 *
 * @param sender empty for the null reverse-path (bounces)
 * @param recipients with their DSN parameters (RFC 3461 4), passed on when the server offers DSN
 * @param requireTls REQUIRETLS (RFC 8689): sent only over verified TLS to a server offering REQUIRETLS,
 *     with the REQUIRETLS MAIL parameter; refused locally otherwise (except for a bounce, RFC 8689 5)
 */
public record OutboundMessage(Optional<MailAddress> sender, List<Envelope.Recipient> recipients,
        Envelope.BodyType body, boolean smtpUtf8, Optional<Envelope.Ret> ret, Optional<String> envId,
        MessageContent content, boolean requireTls) {

    public OutboundMessage {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(ret, "ret");
        Objects.requireNonNull(envId, "envId");
        Objects.requireNonNull(content, "content");
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a message needs at least one recipient");
        }
    }

    /** A message without REQUIRETLS. */
    public OutboundMessage(Optional<MailAddress> sender, List<Envelope.Recipient> recipients, Envelope.BodyType body,
            boolean smtpUtf8, Optional<Envelope.Ret> ret, Optional<String> envId, MessageContent content) {
        this(sender, recipients, body, smtpUtf8, ret, envId, content, false);
    }

    /** The message of a queued envelope, for some of its recipients. */
    public static OutboundMessage of(Envelope envelope, List<Envelope.Recipient> recipients, MessageContent content) {
        return new OutboundMessage(envelope.sender(), recipients, envelope.body(), envelope.smtpUtf8(),
                envelope.ret(), envelope.envId(), content, envelope.requireTls());
    }
}
