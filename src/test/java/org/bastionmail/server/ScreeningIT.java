package org.bastionmail.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bastionmail.config.Config;
import org.bastionmail.dns.testserver.TestZone;
import org.bastionmail.metrics.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Screening against the whole server, from several 127.x addresses (the allow list keeps only 127.0.0.1):
 * pregreet, pipelining abuse, the message rate, a DNS block list served by the loopback DNS server, and
 * greylisting seen through swaks, a real SMTP client.
 */
class ScreeningIT {
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";
    private static final String ROBOT = "127.0.0.5";
    private static final String PATIENT = "127.0.0.6";
    private static final String RETRIER = "127.0.0.7";
    private static final String LISTED = "127.0.0.8";
    private static final String BUSY = "127.0.0.9";
    private static final String PIPELINER = "127.0.0.10";

    @TempDir
    Path dir;

    private static Config screened(Config config, int messageRate) {
        return config
                .withDefence(new Config.Defence(100, 20, 600, 10, Duration.ofMinutes(10), Duration.ofHours(1),
                        Duration.ofDays(7), List.of("127.0.0.1/32", "::1/128"), messageRate, 100))
                .withScreening(new Config.Screening(Duration.ofSeconds(1),
                        List.of(new Config.Screening.DnsList("bl.test", 1, List.of("127.0.0.2"))), 1, List.of(),
                        new Config.Screening.Greylisting(true, Duration.ofSeconds(1), Duration.ofHours(1),
                                Duration.ofDays(1), 1000, List.of())));
    }

    private static RunningServer start(Path dir) throws Exception {
        return start(dir, 2);
    }

    /** @param messageRate MAIL commands per minute per client */
    private static RunningServer start(Path dir, int messageRate) throws Exception {
        return RunningServer.start(dir, config -> screened(config, messageRate),
                TestZone.parse("bl.test", SOA + "8.0.0.127 A 127.0.0.2\n"));
    }

    /** A raw SMTP client from {@code source}. */
    private record Client(Socket socket, BufferedReader in) implements AutoCloseable {
        static Client connect(String source, int port) throws IOException {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            return new Client(socket, new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)));
        }

        void write(String text) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** The last line of the next reply. */
        String reply() throws IOException {
            String line;
            do {
                line = in.readLine();
            } while (line != null && line.length() > 3 && line.charAt(3) == '-');
            return line;
        }

        String command(String line) throws IOException {
            write(line + "\r\n");
            return reply();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static long event(RunningServer server, String event) {
        Metrics metrics = server.server().metrics();
        return metrics.value("bastion_screening_total", "event", event);
    }

    @Test
    void aClientTalkingBeforeTheGreetingIsRefusedWhileAPatientOneIsServed() throws Exception {
        try (RunningServer server = start(dir)) {
            int smtp = server.port("smtp");
            try (Client robot = Client.connect(ROBOT, smtp)) {
                robot.write("EHLO robot.test\r\nMAIL FROM:<spam@robot.test>\r\n");
                assertThat(robot.reply()).isEqualTo("554 5.5.1 Protocol error: you talked before the greeting");
                assertThat(robot.in().readLine()).as("then the connection is closed").isNull();
            }
            try (Client patient = Client.connect(PATIENT, smtp)) {
                assertThat(patient.reply()).startsWith("220 ");
                assertThat(patient.command("EHLO patient.test")).startsWith("250 ");
            }
            assertThat(event(server, "pregreet")).isEqualTo(1);
            // the submission port has no banner delay: clients there talk to their own server
            try (Client submitter = Client.connect(ROBOT, server.port("submission"))) {
                submitter.write("EHLO robot.test\r\n");
                assertThat(submitter.reply()).startsWith("220 ");
            }
        }
    }

    @Test
    void pipeliningAbuseIsCountedAndTheMessageRateIsEnforcedAtMail() throws Exception {
        try (RunningServer server = start(dir)) {
            int smtp = server.port("smtp");
            try (Client client = Client.connect(PIPELINER, smtp)) {
                assertThat(client.reply()).startsWith("220 ");
                client.write("EHLO pipeliner.test\r\nMAIL FROM:<a@pipeliner.test>\r\n");
                assertThat(client.reply()).startsWith("250 ");
                assertThat(client.reply()).startsWith("250 ");
                assertThat(client.command("XYZZY")).startsWith("500 ");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> event(server, "pipelining") == 1);
            assertThat(event(server, "illegal_command")).isEqualTo(1);

            try (Client busy = Client.connect(BUSY, smtp)) {
                assertThat(busy.reply()).startsWith("220 ");
                assertThat(busy.command("EHLO busy.test")).startsWith("250 ");
                for (int i = 0; i < 2; i++) {
                    assertThat(busy.command("MAIL FROM:<news@busy.test>")).startsWith("250 ");
                    assertThat(busy.command("RSET")).startsWith("250 ");
                }
                assertThat(busy.command("MAIL FROM:<news@busy.test>"))
                        .matches("450 4\\.7\\.0 Too much mail from your address, try again in \\d+ seconds");
            }
            assertThat(event(server, "message_rate")).isEqualTo(1);
        }
    }

    @Test
    void aClientOnABlockListIsRefusedAtRcptButMayWriteToThePostmaster() throws Exception {
        try (RunningServer server = start(dir)) {
            server.addUser("alice@example.test", "correct horse");
            try (Client listed = Client.connect(LISTED, server.port("smtp"))) {
                assertThat(listed.reply()).startsWith("220 ");
                assertThat(listed.command("EHLO listed.test")).startsWith("250 ");
                assertThat(listed.command("MAIL FROM:<bulk@listed.test>")).startsWith("250 ");
                assertThat(listed.command("RCPT TO:<alice@example.test>"))
                        .isEqualTo("554 5.7.1 Service unavailable; client [127.0.0.8] blocked using bl.test");
                assertThat(listed.command("RCPT TO:<postmaster@example.test>")).as("greylisted, not blocked")
                        .startsWith("450 4.7.1 Greylisted");
            }
            assertThat(event(server, "dnsbl")).isEqualTo(1);
        }
    }

    @Test
    void greylistingDefersTheFirstAttemptOfSwaksAndAcceptsItsRetry() throws Exception {
        ExternalClientsIT.requireTool("swaks");
        try (RunningServer server = start(dir, 100)) {
            server.addUser("alice@example.test", "correct horse");
            List<String> swaks = List.of("swaks", "--server", "127.0.0.1", "--port", String.valueOf(server.port("smtp")),
                    "--local-interface", RETRIER, "--ehlo", "retrier.test", "--from", "bob@sender.test",
                    "--to", "alice@example.test", "--timeout", "20");
            String first = run(swaks);
            assertThat(first).contains("450 4.7.1 Greylisted, try again in 1 seconds");
            assertThat(first).doesNotContain("queued as");
            // a real MTA retries later; swaks is run again until the delay is over
            List<String> attempts = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).alias("swaks retries: " + attempts)
                    .until(() -> {
                        String output = run(swaks);
                        attempts.add(output);
                        return output.contains("250 2.0.0 OK queued as");
                    });
            assertThat(server.inbox("alice@example.test", Duration.ofSeconds(10))).hasSize(1);
            assertThat(event(server, "greylisted")).isGreaterThanOrEqualTo(1);
        }
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = RunningServer.read(process.getInputStream());
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return output;
    }
}
