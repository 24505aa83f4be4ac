package org.bastionmail.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.bastionmail.cli.Main;
import org.bastionmail.metrics.Metrics;
import org.bastionmail.tracelog.TraceMetrics;
import org.bastionmail.tracelog.TraceReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A message through SMTP, delivered locally; then {@code bastion trace} tells its story from the running server's log. */
class TraceIT {

    @Test
    void traceFollowsAMessageFromReceptionToDelivery(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (RunningServer server = RunningServer.start(data)) {
            server.addUser("dave@example.test", "correct horse battery");
            try (RawSmtpClient smtp = new RawSmtpClient(server.port("smtp"))) {
                assertThat(smtp.reply()).startsWith("220");
                assertThat(smtp.command("EHLO client.example.test")).startsWith("250");
                assertThat(smtp.command("MAIL FROM:<a@elsewhere.test>")).startsWith("250");
                assertThat(smtp.command("RCPT TO:<nobody@example.test>")).startsWith("550");
                assertThat(smtp.command("RCPT TO:<dave@example.test>")).startsWith("250");
                assertThat(smtp.command("DATA")).startsWith("354");
                smtp.send("Message-ID: <trace-it.1@elsewhere.test>\r\nSubject: trace\r\n\r\nhello\r\n.\r\n");
                assertThat(smtp.reply()).startsWith("250");
                assertThat(smtp.command("QUIT")).startsWith("221");
            }
            assertThat(server.inbox("dave@example.test", Duration.ofSeconds(10))).hasSize(1);

            // One TLS connection, for the TLS series and the connection line.
            try (SSLSocket tls = (SSLSocket) SubmissionTls.trusting(server.certificate()).getSocketFactory()
                    .createSocket("127.0.0.1", server.port("submissions"))) {
                tls.setSoTimeout(10_000);
                tls.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                tls.getOutputStream().flush();
                assertThat(new String(tls.getInputStream().readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("220");
                tls.getInputStream().readAllBytes();
            }

            // And one IMAPS connection: access sessions get a connection line too.
            try (SSLSocket imaps = (SSLSocket) SubmissionTls.trusting(server.certificate()).getSocketFactory()
                    .createSocket("127.0.0.1", server.port("imaps"))) {
                imaps.setSoTimeout(10_000);
                imaps.getOutputStream().write("a LOGOUT\r\n".getBytes(StandardCharsets.US_ASCII));
                imaps.getOutputStream().flush();
                assertThat(new String(imaps.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("* OK");
                imaps.getInputStream().readAllBytes();
            }

            Path log = data.resolve("log").resolve("transactions.jsonl");
            await().atMost(Duration.ofSeconds(10)).until(() -> TraceReader.story(log, "trace-it.1@elsewhere.test").size() >= 3);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(log).stream().anyMatch(l ->
                    l.contains("\"type\":\"connection\"") && l.contains("\"listener\":\"imaps\"")
                            && l.contains("\"protocol\":\"TLSv1.3\"") && l.contains("\"end\":\"closed\"")));
            Metrics metrics = server.server().metrics();
            await().atMost(Duration.ofSeconds(10)).until(() -> metrics.value(TraceMetrics.TLS_SESSIONS, "protocol", "TLSv1.3") == 2);
            assertThat(metrics.value(TraceMetrics.MESSAGES, "result", "accepted", "reason", "inbox")).isEqualTo(1);
            assertThat(metrics.value(TraceMetrics.DELIVERIES, "kind", "local", "result", "delivered")).isEqualTo(1);
            assertThat(metrics.count(TraceMetrics.LATENCY, "kind", "local")).isEqualTo(1);

            // `bastion trace` while the server runs, with a config file naming the same data dir.
            Path config = dir.resolve("bastion.toml");
            Files.writeString(config, "hostname = \"mx.example.test\"\ndata_dir = \"" + data.toString().replace("\\", "\\\\")
                    + "\"\ndomains = [\"example.test\"]\n");
            String text = runCli("trace", "<trace-it.1@elsewhere.test>", "--config", config.toString());
            assertThat(text).contains("connection ", " from 127.0.0.1:", " on smtp, no TLS", "ended: quit")
                    .contains("reception from 127.0.0.1 (helo client.example.test)")
                    .contains("mail from <a@elsewhere.test>")
                    .contains("rcpt to <nobody@example.test>: 550")
                    .contains("rcpt to <dave@example.test>: 250 2.1.5")
                    .contains("message-id <trace-it.1@elsewhere.test>")
                    .contains("check spf: ")
                    .contains("=> accepted (inbox)")
                    .contains("delivery attempt 1 (local) to dave@example.test: delivered")
                    .contains("dave@example.test: delivered");
            String queueId = text.replaceAll("(?s).*queued as ([0-9a-z]{16}).*", "$1");
            assertThat(runCli("trace", queueId, "--config", config.toString())).contains("message-id <trace-it.1@elsewhere.test>");
            List<String> json = runCli("trace", "trace-it.1@elsewhere.test", "--json", "--config", config.toString()).lines().toList();
            assertThat(json).hasSize(3);
            assertThat(json.get(0)).contains("\"type\":\"connection\"");
            assertThat(json.get(1)).contains("\"type\":\"transaction\"", "\"queue_id\":\"" + queueId + "\"");
            assertThat(json.get(2)).contains("\"type\":\"delivery\"", "\"result\":\"delivered\"");
        }
    }

    private static String runCli(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run(args)).isZero();
        } finally {
            System.setOut(stdout);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
