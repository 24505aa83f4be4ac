package org.bastionmail.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.server.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The opt-in SMTP smuggling probe: found on a server that ends DATA at a bare LF, never on Bastion. */
class SmugglingProbeTest {
    static final String SOA = SmtpAuditTest.SOA;

    @TempDir
    static Path dir;
    static TestDnsServer dns;
    static DnsjavaResolver resolver;

    @BeforeAll
    static void dns() throws Exception {
        dns = RunningServer.startDns(TestZone.parse("localhost", SOA + "@ A 127.0.0.1\n"),
                TestZone.parse("weak.test", SOA + "mx A 127.0.0.1\n"));
        resolver = DnsjavaResolver.create(RunningServer.loopbackDns(dns));
    }

    @AfterAll
    static void stop() throws Exception {
        dns.close();
    }

    static AuditSettings settings(DnsjavaResolver dns, int port, String recipient) {
        return new AuditSettings(dns, Duration.ofSeconds(3), port, CertificateTrust.system(), List.of(), "auditor.test", Optional.empty())
                .withSmugglingProbe(MailAddress.parse(recipient));
    }

    @Test
    void aServerThatEndsDataAtABareLfIsReportedForThatVariant() throws Exception {
        try (DataServer fake = new DataServer(true)) {
            AuditReport report = new Auditor(settings(resolver, 25, "probe@weak.test"), d -> { throw new AssertionError(); })
                    .auditServer("mx.weak.test", fake.port(), step -> { });

            List<Finding> found = report.withId("smtp.smuggling");
            assertThat(found).as("%s", report.findings()).isNotEmpty().allMatch(f -> f.severity() == Severity.CRITICAL);
            Finding bareLf = found.stream().filter(f -> f.title().contains(" <LF>.<LF> ")).findFirst().orElseThrow();
            assertThat(bareLf.evidence()).contains("C: DATA", "<LF>.<LF>MAIL FROM:<audit@example.org>", "C: RCPT TO:<probe@weak.test>",
                    "S: 354", "replies 250 after the final dot");
            // CR-only endings are not taken as an end by this server: those variants stay quiet
            assertThat(found).noneMatch(f -> f.title().contains(" <CR>.<CR> ") || f.title().contains(" <CR>.<CR><LF> "));
            assertThat(report.withId("smtp.smuggling.probe")).isNotEmpty();
            assertThat(fake.transactions.get()).as("at most the five probes and what was smuggled in them").isLessThanOrEqualTo(10);
            assertThat(fake.rsetAndQuit.get()).isEqualTo(SmugglingProbe.VARIANTS.size());
        }
    }

    @Test
    void aStrictServerAcceptsOneMessagePerProbe() throws Exception {
        try (DataServer fake = new DataServer(false)) {
            AuditReport report = new Auditor(settings(resolver, 25, "probe@weak.test"), d -> { throw new AssertionError(); })
                    .auditServer("mx.weak.test", fake.port(), step -> { });

            assertThat(report.withId("smtp.smuggling")).as("%s", report.findings()).isEmpty();
            assertThat(report.withId("smtp.smuggling.probe")).hasSize(SmugglingProbe.VARIANTS.size())
                    .allMatch(f -> f.severity() == Severity.INFO && f.title().contains("accepted as one message"));
            assertThat(fake.transactions.get()).isEqualTo(SmugglingProbe.VARIANTS.size());
        }
    }

    @Test
    void withoutTheOptionNoMessageIsSent() throws Exception {
        try (DataServer fake = new DataServer(true)) {
            AuditSettings plain = new AuditSettings(resolver, Duration.ofSeconds(3), 25, CertificateTrust.system(), List.of(), "auditor.test", Optional.empty());
            AuditReport report = new Auditor(plain, d -> { throw new AssertionError(); }).auditServer("mx.weak.test", fake.port(), step -> { });

            assertThat(report.findings()).noneMatch(f -> f.id().startsWith("smtp.smuggling"));
            assertThat(fake.transactions.get()).isZero();
        }
    }

    @Test
    void theRecipientMustBeInTheAuditedDomainAndPlain() {
        Auditor auditor = new Auditor(settings(resolver, 25, "probe@weak.test"), d -> { throw new AssertionError(); });
        assertThatThrownBy(() -> auditor.auditDomain("other.test", step -> { })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> auditor.auditServer("127.0.0.1", 25, step -> { })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> auditor.auditServer("mx.weakxtest", 25, step -> { })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> settings(resolver, 25, "a>\r\nRSET@weak.test")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> settings(resolver, 25, "a b@weak.test")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bastionIsNotExposed(@TempDir Path data) throws Exception {
        String zone = SOA + "@ MX 10 mx\nmx A 127.0.0.1\n";
        try (RunningServer bastion = RunningServer.start(data, config -> config.withDomains("mx.good.test", List.of("good.test")),
                TestZone.parse("good.test", zone), TestZone.parse("localhost", SOA + "@ A 127.0.0.1\n"))) {
            bastion.addUser("probe@good.test", "a long enough password");
            DnsjavaResolver bastionDns = DnsjavaResolver.create(RunningServer.loopbackDns(bastion.dns()));
            AuditReport report = new Auditor(settings(bastionDns, bastion.port("smtp"), "probe@good.test"),
                    domain -> new org.bastionmail.mtasts.PolicyFetcher.Fetched("version: STSv1\nmode: enforce\nmx: mx.good.test\nmax_age: 604800\n"))
                    .auditDomain("good.test", step -> { });

            assertThat(report.withId("smtp.smuggling")).as(ReportText.render(report, false)).isEmpty();
            List<Finding> probes = report.withId("smtp.smuggling.probe");
            assertThat(probes).as(ReportText.render(report, false)).hasSize(SmugglingProbe.VARIANTS.size())
                    .allMatch(f -> f.severity() == Severity.INFO)
                    .noneMatch(f -> f.title().contains("not run"));
            assertThat(bastion.inbox("probe@good.test", Duration.ofSeconds(5))).noneMatch(m -> m.contains("Subject: smuggled"));
        }
    }

    /**
     * A scripted server on 127.0.0.1 that answers each pipelined command; a vulnerable one also takes a bare
     * LF "." LF as the end of DATA, the way affected servers did.
     */
    static final class DataServer implements AutoCloseable {
        final ServerSocket listener;
        final boolean vulnerable;
        final AtomicInteger transactions = new AtomicInteger();
        /** Sessions with DATA that ended with RSET and then QUIT. */
        final AtomicInteger rsetAndQuit = new AtomicInteger();

        DataServer(boolean vulnerable) throws IOException {
            this.vulnerable = vulnerable;
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket socket = listener.accept();
                        Thread.ofVirtual().start(() -> serve(socket));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return listener.getLocalPort();
        }

        private void serve(Socket socket) {
            try (socket) {
                socket.setSoTimeout(10_000);
                InputStream in = new BufferedInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                write(out, "220 mx.weak.test ESMTP");
                boolean rset = false;
                boolean data = false;
                String line;
                while ((line = readLine(in)) != null) {
                    String verb = (line.contains(" ") ? line.substring(0, line.indexOf(' ')) : line).toUpperCase(Locale.ROOT);
                    switch (verb) {
                        case "EHLO" -> write(out, "250-mx.weak.test\r\n250-PIPELINING\r\n250 8BITMIME");
                        case "MAIL", "NOOP" -> write(out, "250 2.1.0 ok");
                        case "RSET" -> {
                            rset = true;
                            write(out, "250 2.0.0 ok");
                        }
                        case "RCPT" -> write(out, line.toLowerCase(Locale.ROOT).endsWith("@weak.test>") ? "250 2.1.5 ok" : "554 5.7.1 relay access denied");
                        case "DATA" -> {
                            write(out, "354 go ahead");
                            data = true;
                            readData(in);
                            transactions.incrementAndGet();
                            write(out, "250 2.0.0 queued");
                        }
                        case "QUIT" -> {
                            if (rset && data) {
                                rsetAndQuit.incrementAndGet();
                            }
                            write(out, "221 2.0.0 bye");
                            return;
                        }
                        default -> write(out, "500 5.5.1 unknown command");
                    }
                }
            } catch (IOException e) {
                // the prober hung up
            }
        }

        private void readData(InputStream in) throws IOException {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1 && data.size() < 100_000) {
                data.write(c);
                String tail = data.toString(StandardCharsets.ISO_8859_1);
                if (tail.endsWith("\r\n.\r\n") || (vulnerable && tail.endsWith("\n.\n"))) {
                    return;
                }
            }
            throw new IOException("end of stream in DATA");
        }

        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                line.write(c);
            }
            if (c == -1 && line.size() == 0) {
                return null;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        }

        private static void write(OutputStream out, String reply) throws IOException {
            out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
