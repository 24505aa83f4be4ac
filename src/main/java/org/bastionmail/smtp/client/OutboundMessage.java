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
 */
public record OutboundMessage(Optional<MailAddress> sender, List<Envelope.Recipient> recipients,
        Envelope.BodyType body, boolean smtpUtf8, Optional<Envelope.Ret> ret, Optional<String> envId,
        MessageContent content) {

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

    /** The message of a queued envelope, for some of its recipients. */
    public static OutboundMessage of(Envelope envelope, List<Envelope.Recipient> recipients, MessageContent content) {
        return new OutboundMessage(envelope.sender(), recipients, envelope.body(), envelope.smtpUtf8(),
                envelope.ret(), envelope.envId(), content);
    }
}
