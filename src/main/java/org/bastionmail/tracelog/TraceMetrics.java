package org.bastionmail.tracelog;

import org.bastionmail.metrics.Metrics;

/**
 * Counts trace events into the admin endpoint's metrics: messages by result and reason, refusals by
 * check, TLS sessions by protocol, deliveries by kind and result, and the delivery latency. Label values
 * come from code (check names, result words, the TLS protocol names of the JDK), never from peers.
 */
public final class TraceMetrics implements TraceSink {
    public static final String MESSAGES = "bastion_smtp_messages_total";
    public static final String CHECK_REJECTIONS = "bastion_check_rejections_total";
    public static final String TLS_SESSIONS = "bastion_tls_sessions_total";
    public static final String DELIVERIES = "bastion_deliveries_total";
    public static final String LATENCY = "bastion_delivery_latency_seconds";

    private final Metrics metrics;

    public TraceMetrics(Metrics metrics) {
        this.metrics = metrics;
        metrics.counter(MESSAGES, "Messages at the end of DATA, by result (accepted, refused) and reason.");
        metrics.counter(CHECK_REJECTIONS, "Messages, recipients or connections refused, by the check that refused them.");
        metrics.counter(TLS_SESSIONS, "Connections that used TLS (SMTP; IMAP and POP3 on their implicit-TLS ports), by protocol version.");
        metrics.counter(DELIVERIES, "Delivery attempts, by kind (local, remote) and result (delivered, deferred, bounced).");
        metrics.histogram(LATENCY, "Time from reception to delivery, per delivered recipient, by kind.",
                0.1, 0.5, 1, 5, 30, 60, 300, 900, 3600, 14400, 86400);
    }

    @Override
    public void record(TraceEvent event) {
        switch (event) {
            case TraceEvent.Connection c -> {
                c.tls().ifPresent(tls -> metrics.increment(TLS_SESSIONS, "protocol", tls.protocol()));
                countRefusals(c.checks());
            }
            case TraceEvent.Transaction t -> {
                if (!t.result().equals("abandoned")) {
                    metrics.increment(MESSAGES, "result", t.result(), "reason", t.reason());
                }
                countRefusals(t.checks());
            }
            case TraceEvent.Delivery d -> {
                metrics.increment(DELIVERIES, "kind", d.kind(), "result", d.result());
                if (d.result().equals("delivered")) {
                    metrics.observe(LATENCY, d.latency().toMillis() / 1000.0, "kind", d.kind());
                }
            }
        }
    }

    private void countRefusals(java.util.List<TraceEvent.Check> checks) {
        checks.stream().filter(TraceEvent.Check::refused)
                .forEach(check -> metrics.increment(CHECK_REJECTIONS, "check", check.name()));
    }
}
