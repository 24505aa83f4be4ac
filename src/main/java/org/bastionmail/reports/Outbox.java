package org.bastionmail.reports;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.mailauth.SubmissionSigning;
import org.bastionmail.queue.Envelope;
import org.bastionmail.queue.IncomingMessage;
import org.bastionmail.queue.MessageQueue;

/** Puts report mail into the queue, DKIM-signed when the sender's domain has a key (RFC 8460 5.3). */
final class Outbox {
    private final MessageQueue queue;
    private final MailAddress sender;
    private final String hostname;
    private final Optional<SubmissionSigning> signing;
    private final Clock clock;

    Outbox(MessageQueue queue, MailAddress sender, String hostname, Optional<SubmissionSigning> signing, Clock clock) {
        this.queue = queue;
        this.sender = sender;
        this.hostname = hostname;
        this.signing = signing;
        this.clock = clock;
    }

    /** Queues {@code message} for {@code to}; returns the queue id once it is durable. */
    String submit(byte[] message, MailAddress to) throws IOException {
        String signatures = signing.isPresent() ? signing.get().sign(message) : "";
        try (IncomingMessage incoming = queue.newMessage()) {
            OutputStream content = incoming.content();
            content.write(signatures.getBytes(StandardCharsets.US_ASCII));
            content.write(message);
            // Bounces of reports go to the report address, which is postmaster: someone reads them.
            return incoming.commit(new Envelope(Optional.of(sender), List.of(Envelope.Recipient.of(to)),
                    Envelope.BodyType.SEVEN_BIT, false, Optional.empty(), Optional.empty(), false, "127.0.0.1",
                    hostname, Optional.empty(), clock.instant()));
        }
    }
}
