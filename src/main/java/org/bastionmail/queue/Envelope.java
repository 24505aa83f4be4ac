package org.bastionmail.queue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bastionmail.mail.MailAddress;

/**
 * Everything the SMTP transaction said about a message besides its content, kept with it on disk.
 *
 * @param sender the MAIL FROM address; empty for the null reverse-path {@code <>}
 * @param recipients the accepted RCPT TO addresses, in order, with their DSN parameters
 * @param body the BODY parameter (RFC 6152, RFC 3030)
 * @param smtpUtf8 whether SMTPUTF8 was given (RFC 6531)
 * @param ret DSN RET (RFC 3461 4.3)
 * @param envId DSN ENVID (RFC 3461 4.4), as xtext-decoded text
 * @param requireTls REQUIRETLS (RFC 8689)
 * @param clientAddress the peer's IP address
 * @param clientHelo what the client said in EHLO/HELO
 * @param authenticatedAccount the account that authenticated, for submitted mail
 * @param receivedAt when the 250 was given
 * @param prependedHeaders header fields the receiving checks added once the whole message was in
 *     (Authentication-Results, DKIM-Signature), CRLF-terminated; delivered in front of the stored content
 * @param junk whether the checks asked for delivery to the Junk mailbox (DMARC quarantine, filters)
 */
public record Envelope(
        Optional<MailAddress> sender,
        List<Recipient> recipients,
        BodyType body,
        boolean smtpUtf8,
        Optional<Ret> ret,
        Optional<String> envId,
        boolean requireTls,
        String clientAddress,
        String clientHelo,
        Optional<String> authenticatedAccount,
        Instant receivedAt,
        String prependedHeaders,
        boolean junk) {

    public Envelope {
        recipients = List.copyOf(recipients);
    }

    /** An envelope with nothing added by the checks. */
    public Envelope(Optional<MailAddress> sender, List<Recipient> recipients, BodyType body, boolean smtpUtf8,
            Optional<Ret> ret, Optional<String> envId, boolean requireTls, String clientAddress, String clientHelo,
            Optional<String> authenticatedAccount, Instant receivedAt) {
        this(sender, recipients, body, smtpUtf8, ret, envId, requireTls, clientAddress, clientHelo,
                authenticatedAccount, receivedAt, "", false);
    }

    /** This envelope with the checks' additions. */
    public Envelope withChecks(String headers, boolean toJunk) {
        return new Envelope(sender, recipients, body, smtpUtf8, ret, envId, requireTls, clientAddress, clientHelo,
                authenticatedAccount, receivedAt, headers, toJunk);
    }

    /**
     * One RCPT TO with its DSN parameters (RFC 3461 4.1, 4.2).
     *
     * @param notifyOn empty when NOTIFY was not given (the default: failures, as the RFC says)
     * @param orcpt the original recipient as given, {@code addr-type;xtext-decoded-address}
     */
    public record Recipient(MailAddress address, Set<Notify> notifyOn, Optional<String> orcpt) {
        public Recipient {
            notifyOn = Set.copyOf(notifyOn);
        }

        public static Recipient of(MailAddress address) {
            return new Recipient(address, Set.of(), Optional.empty());
        }
    }

    public enum BodyType { SEVEN_BIT, EIGHT_BIT_MIME, BINARY_MIME }

    public enum Ret { FULL, HDRS }

    public enum Notify { NEVER, SUCCESS, FAILURE, DELAY }
}
