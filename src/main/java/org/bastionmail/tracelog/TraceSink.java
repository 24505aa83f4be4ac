package org.bastionmail.tracelog;

import org.slf4j.LoggerFactory;

/** Where trace events go: the transaction log file, the metrics, or nowhere. Must not block for long. */
@FunctionalInterface
public interface TraceSink {
    void record(TraceEvent event);

    /** Drops every event. */
    static TraceSink none() {
        return event -> { };
    }

    /** Both sinks, this one first; a failing sink does not keep the event from the other. */
    default TraceSink and(TraceSink other) {
        TraceSink first = this;
        return event -> {
            recordSafely(first, event);
            recordSafely(other, event);
        };
    }

    /** Records without letting a sink's failure reach a session or a delivery. */
    static void recordSafely(TraceSink sink, TraceEvent event) {
        try {
            sink.record(event);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(TraceSink.class).warn("trace event lost: {}", e.toString());
        }
    }
}
