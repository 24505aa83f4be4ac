package org.bastionmail.delivery;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;

/**
 * Carries queued messages to the servers of one destination domain (SMTP relay: MX routing, TLS policy,
 * the SMTP client). {@link RemoteDelivery} decides what is due and what each outcome means for the queue.
 */
@FunctionalInterface
public interface OutboundTransport {

    /** One queued message and the recipients of this destination to deliver it to. */
    record Message(String queueId, Envelope envelope, Path content, List<MailAddress> recipients) {
        public Message {
            recipients = List.copyOf(recipients);
        }
    }

    /** What happened to one recipient of one message. */
    sealed interface Outcome {
        /** The next server took responsibility: {@code detail} is its reply and how it was reached. */
        record Delivered(String detail) implements Outcome {}

        /** Try again later; {@code reason} starts with an enhanced status code (4.x.x). */
        record TempFailed(String reason) implements Outcome {}

        /** Will never work; {@code reason} starts with an enhanced status code (5.x.x). */
        record PermFailed(String reason) implements Outcome {}
    }

    /** Identifies one recipient of one message in the results. */
    record Key(String queueId, MailAddress recipient) {}

    /**
     * Delivers {@code messages} (all for recipients in {@code domain}), ideally over one connection.
     * Every recipient of every message must have an outcome; a missing one counts as a temporary failure.
     */
    Map<Key, Outcome> deliver(String domain, List<Message> messages);
}
