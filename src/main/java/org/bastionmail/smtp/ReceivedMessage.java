package org.bastionmail.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.bastionmail.tracelog.TransactionTrace;

/**
 * A complete message as the hooks see it, before it is accepted.
 *
 * @param client the peer's address
 * @param helo what it said in EHLO/HELO
 * @param sender MAIL FROM; empty for {@code <>}
 * @param recipients the accepted recipients
 * @param account the authenticated account, empty for mail from other servers
 * @param tls the TLS protocol and cipher, if the session was encrypted
 * @param content the message as it will be stored (Received line included), readable as often as needed
 * @param trace the transaction's log line: every check adds its verdict here ({@link TransactionTrace#check},
 *     {@link TransactionTrace#refuse})
 * @param queueId the id the message will have in the queue (also in its Received line); empty if unknown
 */
public record ReceivedMessage(
        InetAddress client,
        String helo,
        Optional<MailAddress> sender,
        List<Envelope.Recipient> recipients,
        Optional<String> account,
        Optional<String> tls,
        Content content,
        TransactionTrace trace,
        Optional<String> queueId) {

    public ReceivedMessage {
        recipients = List.copyOf(recipients);
    }

    /** A message whose checks' verdicts are logged nowhere and whose queue id is not known (tests, tools). */
    public ReceivedMessage(InetAddress client, String helo, Optional<MailAddress> sender,
            List<Envelope.Recipient> recipients, Optional<String> account, Optional<String> tls, Content content) {
        this(client, helo, sender, recipients, account, tls, content, TransactionTrace.detached(), Optional.empty());
    }

    /** A message whose queue id is not known. */
    public ReceivedMessage(InetAddress client, String helo, Optional<MailAddress> sender,
            List<Envelope.Recipient> recipients, Optional<String> account, Optional<String> tls, Content content,
            TransactionTrace trace) {
        this(client, helo, sender, recipients, account, tls, content, trace, Optional.empty());
    }

    /** A message whose checks' verdicts are logged nowhere. */
    public ReceivedMessage(InetAddress client, String helo, Optional<MailAddress> sender,
            List<Envelope.Recipient> recipients, Optional<String> account, Optional<String> tls, Content content,
            Optional<String> queueId) {
        this(client, helo, sender, recipients, account, tls, content, TransactionTrace.detached(), queueId);
    }

    /** Opens the stored message text from its start. */
    @FunctionalInterface
    public interface Content {
        InputStream open() throws IOException;
    }
}
