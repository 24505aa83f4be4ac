package org.bastionmail.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void rendersHelpTypeAndLabelledSeries() {
        Metrics metrics = new Metrics();
        metrics.counter("bastion_smtp_connections_total", "Connections.");
        metrics.gauge("bastion_queue_messages", "Messages in the queue.", () -> 7);
        metrics.increment("bastion_smtp_connections_total", "listener", "smtp");
        metrics.increment("bastion_smtp_connections_total", "listener", "smtp");
        metrics.increment("bastion_smtp_connections_total", "listener", "submission");

        assertThat(metrics.render()).isEqualTo("""
                # HELP bastion_queue_messages Messages in the queue.
                # TYPE bastion_queue_messages gauge
                bastion_queue_messages 7
                # HELP bastion_smtp_connections_total Connections.
                # TYPE bastion_smtp_connections_total counter
                bastion_smtp_connections_total{listener="smtp"} 2
                bastion_smtp_connections_total{listener="submission"} 1
                """);
        assertThat(metrics.value("bastion_smtp_connections_total", "listener", "smtp")).isEqualTo(2);
    }

    @Test
    void histogramsRenderCumulativeBucketsSumAndCount() {
        Metrics metrics = new Metrics();
        metrics.histogram("lat_seconds", "Latency.", 0.5, 1, 10);
        metrics.observe("lat_seconds", 0.2, "kind", "local");
        metrics.observe("lat_seconds", 1, "kind", "local");
        metrics.observe("lat_seconds", 100, "kind", "local");
        assertThat(metrics.render()).isEqualTo("""
                # HELP lat_seconds Latency.
                # TYPE lat_seconds histogram
                lat_seconds_bucket{kind="local",le="0.5"} 1
                lat_seconds_bucket{kind="local",le="1"} 2
                lat_seconds_bucket{kind="local",le="10"} 2
                lat_seconds_bucket{kind="local",le="+Inf"} 3
                lat_seconds_sum{kind="local"} 101.2
                lat_seconds_count{kind="local"} 3
                """);
        assertThat(metrics.count("lat_seconds", "kind", "local")).isEqualTo(3);
        assertThat(metrics.count("lat_seconds", "kind", "remote")).isZero();
        assertThatThrownBy(() -> metrics.histogram("bad_seconds", "x", 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void escapesLabelValuesAndHelp() {
        Metrics metrics = new Metrics();
        metrics.counter("x_total", "line\\one\nline two");
        metrics.increment("x_total", "reason", "a\"b\\c\nd");
        assertThat(metrics.render()).isEqualTo("""
                # HELP x_total line\\\\one\\nline two
                # TYPE x_total counter
                x_total{reason="a\\"b\\\\c\\nd"} 1
                """);
    }

    @Test
    void rejectsBadNamesUndeclaredCountersAndUnboundedLabels() {
        Metrics metrics = new Metrics();
        assertThatThrownBy(() -> metrics.counter("bad name", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.increment("nope_total")).isInstanceOf(NullPointerException.class);
        metrics.counter("y_total", "y");
        assertThatThrownBy(() -> metrics.increment("y_total", "odd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.increment("y_total", "bad-label", "v")).isInstanceOf(IllegalArgumentException.class);
        for (int i = 0; i < 200; i++) {
            metrics.increment("y_total", "k", "v" + i);
        }
        assertThat(metrics.render().lines().filter(l -> l.startsWith("y_total")).count()).isLessThanOrEqualTo(65);
        assertThat(metrics.value("y_total", "overflow", "true")).isPositive();
    }

    @Test
    void adminServerRefusesNonLoopback() {
        assertThatThrownBy(() -> AdminServer.start(new InetSocketAddress("192.0.2.1", 0), new Metrics()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
