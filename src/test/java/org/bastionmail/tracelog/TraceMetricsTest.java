package org.bastionmail.tracelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.bastionmail.metrics.Metrics;
import org.junit.jupiter.api.Test;

class TraceMetricsTest {

    @Test
    void eventsBecomeCountersAndTheLatencyHistogram() {
        Metrics metrics = new Metrics();
        TraceMetrics sink = new TraceMetrics(metrics);
        ConnectionTrace connection = new ConnectionTrace("S", InetAddress.getLoopbackAddress(), 1, "smtp",
                Clock.systemUTC(), sink);
        connection.tls("TLSv1.3", "TLS_AES_128_GCM_SHA256");
        TransactionTrace refused = connection.transaction();
        refused.refuse("antivirus", "infected", "Eicar-Test-Signature");
        refused.reply("554 5.7.1 Message contains a virus");
        refused.finish();
        TransactionTrace accepted = connection.transaction();
        accepted.queued("q", true);
        accepted.reply("250 2.0.0 OK");
        accepted.finish();
        connection.transaction().finish(); // abandoned: not a message
        connection.end("quit");
        sink.record(new TraceEvent.Delivery(Instant.EPOCH, "q", "a@example.test", "remote", "delivered",
                Optional.of("mx.example.test"), "2.0.0 ok", 1, Duration.ofSeconds(2)));
        sink.record(new TraceEvent.Delivery(Instant.EPOCH, "q", "b@example.test", "remote", "deferred",
                Optional.empty(), "4.4.1 no answer", 1, Duration.ofSeconds(2)));

        assertThat(metrics.value(TraceMetrics.MESSAGES, "result", "refused", "reason", "antivirus")).isEqualTo(1);
        assertThat(metrics.value(TraceMetrics.MESSAGES, "result", "accepted", "reason", "junk")).isEqualTo(1);
        assertThat(metrics.value(TraceMetrics.CHECK_REJECTIONS, "check", "antivirus")).isEqualTo(1);
        assertThat(metrics.value(TraceMetrics.TLS_SESSIONS, "protocol", "TLSv1.3")).isEqualTo(1);
        assertThat(metrics.value(TraceMetrics.DELIVERIES, "kind", "remote", "result", "delivered")).isEqualTo(1);
        assertThat(metrics.value(TraceMetrics.DELIVERIES, "kind", "remote", "result", "deferred")).isEqualTo(1);
        assertThat(metrics.count(TraceMetrics.LATENCY, "kind", "remote")).isEqualTo(1);
        assertThat(metrics.render()).contains("bastion_delivery_latency_seconds_bucket{kind=\"remote\",le=\"5\"} 1");
    }
}
