package org.bastionmail.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bastionmail.queue.RecipientState;
import org.bastionmail.tracelog.TraceEvent;
import org.bastionmail.tracelog.TraceSink;

/** Turns each recipient's change of state after a delivery attempt into a transaction log line. */
final class AttemptTrace {
    /** The host in the reasons {@link SmtpTransport} writes: "[status ]host [address] said ..." or "status host: ...". */
    private static final Pattern HOST = Pattern.compile("^(?:[245]\\.\\d{1,3}\\.\\d{1,3} )?([A-Za-z0-9.-]+\\.?)(?: \\[[^\\]]*\\])?(?: said|:)");

    private final String kind;
    private final List<TraceSink> sinks = new CopyOnWriteArrayList<>();

    AttemptTrace(String kind) {
        this.kind = kind;
    }

    void add(TraceSink sink) {
        sinks.add(sink);
    }

    /** One line per recipient whose attempts went up between {@code before} and {@code after}. */
    void record(String queueId, Instant receivedAt, List<RecipientState> before, List<RecipientState> after, Instant now) {
        if (sinks.isEmpty()) {
            return;
        }
        for (int i = 0; i < after.size(); i++) {
            RecipientState next = after.get(i);
            int attemptsBefore = i < before.size() ? before.get(i).attempts() : 0;
            if (next.attempts() > attemptsBefore) {
                TraceEvent event = event(queueId, receivedAt, next, now);
                sinks.forEach(sink -> TraceSink.recordSafely(sink, event));
            }
        }
    }

    private TraceEvent.Delivery event(String queueId, Instant receivedAt, RecipientState state, Instant now) {
        String result = switch (state.status()) {
            case DELIVERED -> "delivered";
            case FAILED -> "bounced";
            case DEFERRED, PENDING -> "deferred";
        };
        String reply = state.reason().orElse("");
        return new TraceEvent.Delivery(now, queueId, state.recipient().address().toString(), kind, result,
                kind.equals("remote") ? remoteHost(reply) : Optional.empty(), reply, state.attempts(),
                Duration.between(receivedAt, now));
    }

    static Optional<String> remoteHost(String reason) {
        String withoutStatus = reason.startsWith("2.0.0 ") ? reason.substring(6) : reason;
        Matcher m = HOST.matcher(withoutStatus);
        return m.find() && m.group(1).contains(".") ? Optional.of(m.group(1)) : Optional.empty();
    }

}
