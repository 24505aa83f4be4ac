package org.bastionmail.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.bastionmail.queue.IncomingMessage;
import org.bastionmail.tracelog.TransactionTrace;

/** One mail transaction (RFC 5321 3.3), from MAIL to the end of DATA or BDAT LAST, or RSET. */
final class Transaction {
    final Optional<MailAddress> sender;
    final MailParameters params;
    final List<Envelope.Recipient> recipients = new ArrayList<>();
    /** Whether any RCPT was given, accepted or not: DATA then says 554 instead of 503 (RFC 2920 3.1). */
    boolean rcptGiven;
    /** Set while BDAT chunks arrive (RFC 3030 2). */
    Optional<Chunks> chunks = Optional.empty();
    /** The From: verdict of the message being received in chunks. */
    MessagePhase.HeaderCheck headerCheck = new MessagePhase.HeaderCheck();

    /** This transaction's log line, written when it ends; checks add their verdicts to it. */
    final TransactionTrace trace;

    record Chunks(IncomingMessage message, MessageContent content) {}

    Transaction(Optional<MailAddress> sender, MailParameters params, TransactionTrace trace) {
        this.sender = sender;
        this.params = params;
        this.trace = trace;
        trace.mailFrom(sender.map(MailAddress::toString).orElse(""));
    }

    /** Discards any message being received. */
    void abandon() {
        chunks.ifPresent(c -> c.message().close());
        chunks = Optional.empty();
    }
}
