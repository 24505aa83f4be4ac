package org.bastionmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsIT {

    @Test
    void metricsMoveAfterOneMessageAndHealthSaysOk(@TempDir Path dir) throws Exception {
        try (RunningServer server = RunningServer.start(dir); HttpClient http = HttpClient.newHttpClient()) {
            server.addUser("dave@example.test", "correct horse battery");
            InetSocketAddress admin = server.server().adminAddress().orElseThrow();
            String base = "http://127.0.0.1:" + admin.getPort();

            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok\n");

            try (RawSmtpClient smtp = new RawSmtpClient(server.port("smtp"))) {
                assertThat(smtp.reply()).startsWith("220");
                assertThat(smtp.command("EHLO client.example.test")).startsWith("250");
                assertThat(smtp.command("MAIL FROM:<a@elsewhere.test>")).startsWith("250");
                assertThat(smtp.command("RCPT TO:<dave@example.test>")).startsWith("250");
                assertThat(smtp.command("DATA")).startsWith("354");
                smtp.send("Subject: metrics\r\n\r\nhello\r\n.\r\n");
                assertThat(smtp.reply()).startsWith("250");
            }
            assertThat(server.inbox("dave@example.test", Duration.ofSeconds(10))).hasSize(1);

            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(metrics.body())
                    .contains("# TYPE bastion_smtp_connections_total counter\n")
                    .contains("bastion_smtp_connections_total{listener=\"smtp\"} 1\n")
                    .contains("bastion_messages_queued_total 1\n")
                    .contains("# TYPE bastion_queue_messages gauge\n")
                    .contains("bastion_bans_active 0\n")
                    .contains("# TYPE bastion_auth_failures_total counter\n")
                    .doesNotContain("bastion_auth_failures_total{")
                    .contains("bastion_smtp_messages_total{result=\"accepted\",reason=\"inbox\"} 1\n")
                    .contains("bastion_deliveries_total{kind=\"local\",result=\"delivered\"} 1\n")
                    .contains("# TYPE bastion_delivery_latency_seconds histogram\n")
                    .contains("bastion_delivery_latency_seconds_count{kind=\"local\"} 1\n")
                    .contains("bastion_delivery_latency_seconds_bucket{kind=\"local\",le=\"+Inf\"} 1\n")
                    .contains("# TYPE bastion_tls_sessions_total counter\n")
                    .contains("# TYPE bastion_check_rejections_total counter\n")
                    .contains("# TYPE bastion_transaction_log_dropped_total counter\n");

            HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(base + "/metricsx")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).isEqualTo(404);
        }
    }
}
