package org.bastionmail.tracelog;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one mail transaction did, collected while it runs and logged once when it ends.
 *
 * <p>Filters add their verdict with one call on {@link org.bastionmail.smtp.ReceivedMessage#trace()}:
 * {@code trace.check("rspamd", "spam", "score 12.5")} for a verdict that let the message through, or
 * {@code trace.refuse("rspamd", "reject", "score 20")} when that verdict is why the message (or a
 * recipient) is refused; the first refusing check becomes the transaction's reason and is counted in
 * {@code bastion_check_rejections_total}. Thread-safe.
 */
public final class TransactionTrace {
    static final int MAX_RECIPIENTS = 1000;

    private final ConnectionTrace connection;
    private final String session;
    private final String client;
    private final String helo;
    private final Optional<TraceEvent.Tls> tls;
    private final Optional<String> user;
    private final Clock clock;
    private final TraceSink sink;

    private final List<TraceEvent.Check> checks = new ArrayList<>();
    private final List<TraceEvent.Recipient> recipients = new ArrayList<>();
    private String mailFrom = "";
    private Optional<String> messageId = Optional.empty();
    private long size;
    private Optional<String> queueId = Optional.empty();
    private boolean junk;
    private Optional<String> reply = Optional.empty();
    private Optional<String> refusal = Optional.empty();
    private boolean finished;

    TransactionTrace(ConnectionTrace connection, String session, String client, String helo,
            Optional<TraceEvent.Tls> tls, Optional<String> user, Clock clock, TraceSink sink) {
        this.connection = connection;
        this.session = session;
        this.client = client;
        this.helo = helo;
        this.tls = tls;
        this.user = user;
        this.clock = clock;
        this.sink = sink;
    }

    /** A trace whose events go nowhere (hooks called outside a session, tests). */
    public static TransactionTrace detached() {
        return ConnectionTrace.detached().transaction();
    }

    /** A check's verdict that did not refuse anything. */
    public synchronized void check(String name, String result, String detail) {
        ConnectionTrace.add(checks, new TraceEvent.Check(name, result, detail, false));
    }

    public void check(String name, String result) {
        check(name, result, "");
    }

    /** A check's verdict that refused the message or a recipient; the first one names the refusal. */
    public synchronized void refuse(String name, String result, String detail) {
        ConnectionTrace.add(checks, new TraceEvent.Check(name, result, detail, true));
        if (refusal.isEmpty()) {
            refusal = Optional.of(name);
        }
    }

    /** The verdicts so far, in order. */
    public synchronized List<TraceEvent.Check> checks() {
        return List.copyOf(checks);
    }

    /** The client's verified reverse DNS name, for the connection's line. */
    public void clientName(String name) {
        connection.clientName(name);
    }

    // What the SMTP session records.

    public synchronized void mailFrom(String reversePath) {
        mailFrom = reversePath;
    }

    public synchronized void recipient(String address, String replyLine) {
        if (recipients.size() < MAX_RECIPIENTS) {
            recipients.add(new TraceEvent.Recipient(address, replyLine));
        }
    }

    public synchronized void messageId(String id) {
        messageId = Optional.of(id);
    }

    public synchronized void size(long bytes) {
        size = bytes;
    }

    /** The message was committed to the queue. */
    public synchronized void queued(String id, boolean toJunk) {
        queueId = Optional.of(id);
        junk = toJunk;
    }

    /** The message was refused by SMTP itself ({@code size}, {@code content}, ...) unless a check already said why. */
    public synchronized void refusedFor(String reason) {
        if (refusal.isEmpty()) {
            refusal = Optional.of(reason);
        }
    }

    /** The final reply to the message: code, enhanced code and text. */
    public synchronized void reply(String replyLine) {
        reply = Optional.of(replyLine);
    }

    /** Logs the transaction, once; later calls do nothing. */
    public void finish() {
        TraceEvent.Transaction event;
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            String result;
            String reason;
            if (queueId.isPresent()) {
                result = "accepted";
                reason = junk ? "junk" : "inbox";
            } else if (reply.isPresent()) {
                result = "refused";
                reason = refusal.orElse("smtp");
            } else {
                result = "abandoned";
                reason = "";
            }
            event = new TraceEvent.Transaction(clock.instant(), session, client, helo, tls, user, mailFrom, recipients,
                    messageId, size, checks, queueId, reply, result, reason);
        }
        connection.transactionDone();
        TraceSink.recordSafely(sink, event);
    }
}
