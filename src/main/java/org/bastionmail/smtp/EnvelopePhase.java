package org.bastionmail.smtp;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.bastionmail.directory.Directory;
import org.bastionmail.io.CarrierOffload;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.bastionmail.tracelog.TransactionTrace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** MAIL and RCPT: who sends and who receives, and whether this client may send it there. */
final class EnvelopePhase {
    private static final Logger LOG = LoggerFactory.getLogger(EnvelopePhase.class);

    private final SmtpContext context;

    EnvelopePhase(SmtpContext context) {
        this.context = context;
    }

    /**
     * MAIL FROM (RFC 5321 4.1.1.2); the session has checked the sequence and TLS/AUTH already.
     *
     * @param tls whether the session is under TLS: REQUIRETLS is refused otherwise (RFC 8689 2)
     */
    Transaction mail(SmtpCommand.Mail command, boolean esmtp, boolean tls, Optional<String> account,
            TransactionTrace trace) throws Rejection {
        MailParameters params = MailParameters.parse(parameters(command.params(), esmtp));
        if (params.requireTls() && !tls) {
            throw new Rejection(Reply.REQUIRETLS_WITHOUT_TLS);
        }
        if (params.size().isPresent() && params.size().getAsLong() > context.limits().messageSize()) {
            throw new Rejection(Reply.TOO_BIG); // RFC 1870 6.1
        }
        // Like Postfix's queue_minfree: refuse now (RFC 1870 6.2: 452 at MAIL) rather than fail at the end of
        // DATA. Room for the declared size twice (queue file, then the mailbox copy) plus one largest message.
        long declared = params.size().orElse(0);
        long needed = context.limits().messageSize() + 2 * Math.min(declared, context.limits().messageSize());
        if (!CarrierOffload.call(() -> context.queue().hasRoomFor(needed))) {
            LOG.warn("refusing mail: less than {} bytes free for the queue", needed);
            throw new Rejection(Reply.INSUFFICIENT_STORAGE);
        }
        SmtpPath path = PathParser.parse(command.path()).orElseThrow(() -> new Rejection(Reply.BAD_SENDER_SYNTAX));
        Optional<MailAddress> sender = switch (path) {
            case SmtpPath.NullPath n -> Optional.empty();
            case SmtpPath.Postmaster p -> throw new Rejection(Reply.BAD_SENDER_SYNTAX);
            case SmtpPath.Mailbox m -> {
                if (!params.smtpUtf8() && !m.isAscii()) {
                    throw new Rejection(Reply.NON_ASCII_ADDRESS); // RFC 6531 3.7.4.1
                }
                yield Optional.of(m.address());
            }
        };
        if (account.isPresent() && sender.isPresent() && !mayUse(account.get(), sender.get())) {
            // RFC 6409 4.3 / 8.1: an MSA checks the sender is the user's own.
            throw new Rejection(Reply.SENDER_NOT_OWNED);
        }
        return new Transaction(sender, params, trace);
    }

    /**
     * RCPT TO (RFC 5321 4.1.1.3): adds the recipient to the transaction or refuses it.
     *
     * @param mayRelay the client authenticated, or comes from a network configured to relay
     * @param screen the client checks of an acceptable recipient (rates, block lists, greylisting)
     */
    void rcpt(Transaction tx, SmtpCommand.Rcpt command, boolean esmtp, boolean mayRelay,
            java.util.function.Function<MailAddress, Optional<ClientChecks.Refusal>> screen) throws Rejection {
        tx.rcptGiven = true;
        RcptParameters params = RcptParameters.parse(parameters(command.params(), esmtp));
        SmtpPath path = PathParser.parse(command.path()).orElseThrow(() -> new Rejection(Reply.BAD_RECIPIENT_SYNTAX));
        boolean relaySyntax = false;
        MailAddress address = switch (path) {
            case SmtpPath.NullPath n -> throw new Rejection(Reply.BAD_RECIPIENT_SYNTAX);
            // RFC 5321 4.5.1: <postmaster> without a domain must be accepted.
            case SmtpPath.Postmaster p -> new MailAddress("postmaster", context.postmasterDomain());
            case SmtpPath.Mailbox m -> {
                if (!tx.params.smtpUtf8() && !m.isAscii()) {
                    throw new Rejection(Reply.NON_ASCII_ADDRESS);
                }
                if (m.addressLiteral()) {
                    throw new Rejection(Reply.ADDRESS_LITERAL_RECIPIENT);
                }
                if (m.hadRoute()) {
                    LOG.info("source route dropped from recipient {}", m.address());
                }
                relaySyntax = m.hasRelaySyntax();
                yield m.address();
            }
        };
        if (tx.recipients.size() >= context.limits().recipients()) {
            throw new Rejection(Reply.TOO_MANY_RECIPIENTS); // RFC 5321 4.5.3.1.10
        }
        Directory.Resolution resolution = CarrierOffload.call(() -> context.directory().resolve(address));
        switch (resolution) {
            case Directory.Resolution.Deliver d -> {
                if (relaySyntax) {
                    throw new Rejection(Reply.RELAY_SYNTAX);
                }
                for (String local : d.accounts()) {
                    // Refused now rather than queued: a full mailbox would only bounce later.
                    if (mailboxFull(local)) {
                        throw new Rejection(Reply.MAILBOX_FULL);
                    }
                }
            }
            case Directory.Resolution.UnknownUser u ->
                throw new Rejection(relaySyntax ? Reply.RELAY_SYNTAX : Reply.UNKNOWN_USER);
            case Directory.Resolution.NotLocal n -> {
                // Only authenticated users and configured relay networks may relay; others reach local domains only.
                if (!mayRelay) {
                    throw new Rejection(relaySyntax ? Reply.RELAY_SYNTAX : Reply.RELAY_DENIED);
                }
            }
        }
        Optional<ClientChecks.Refusal> refusal = screen.apply(address);
        if (refusal.isPresent()) {
            tx.trace.refuse(refusal.get().check(), refusal.get().code() + " " + refusal.get().enhancedCode(),
                    address.toString());
            throw Rejection.of(refusal.get());
        }
        tx.recipients.add(new Envelope.Recipient(address, params.notifyOn(), params.orcpt()));
    }

    private boolean mailboxFull(String account) throws Rejection {
        try {
            return CarrierOffload.call(() -> context.quota().isFull(account));
        } catch (IOException e) {
            LOG.warn("cannot read the quota of {}: {}", account, e.toString());
            throw new Rejection(Reply.LOCAL_ERROR);
        }
    }

    boolean mayUse(String account, MailAddress address) {
        return CarrierOffload.call(() -> context.directory().mayUseAddress(account, address));
    }

    /** ESMTP parameters need EHLO (RFC 5321 4.1.1.2); after HELO any parameter is unknown. */
    private static Map<String, String> parameters(String text, boolean esmtp) throws Rejection {
        if (!esmtp && !text.isEmpty()) {
            throw new Rejection(Reply.UNKNOWN_PARAMETER);
        }
        return EsmtpParams.parse(text, true).orElseThrow(() -> new Rejection(Reply.SYNTAX));
    }
}
