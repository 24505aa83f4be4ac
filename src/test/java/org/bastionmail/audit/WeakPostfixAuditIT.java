package org.bastionmail.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.server.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit against a real, deliberately weak Postfix (src/test/interop/postfix/weak-postfix.sh): two private
 * instances on 127.0.0.1, one without TLS and one with TLS 1.0/1.1 and weak suites, both with a version banner,
 * VRFY, an open relay through mynetworks and AUTH before TLS. Every planted weakness must be found, by id,
 * with the exchange that shows it. No message is sent: relay tests stop at RCPT, and the instances discard
 * anything they would accept.
 */
class WeakPostfixAuditIT {
    private static final Path SCRIPT = Path.of("src/test/interop/postfix/weak-postfix.sh");

    @TempDir
    static Path plainDir;
    @TempDir
    static Path tlsDir;
    static ServerSocket fakeAuth;
    static TestDnsServer dns;
    static int plainPort;
    static int tlsPort;
    static boolean started;

    @BeforeAll
    static void start() throws Exception {
        for (String tool : List.of("postfix", "openssl", "script")) {
            requireTool(tool);
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root && System.getenv("CI") != null) {
            throw new AssertionError("the weak Postfix audit test must run as root (postfix start)");
        }
        Assumptions.assumeTrue(root, "a private Postfix instance needs root");
        fakeAuth = fakeDovecotAuth();
        dns = RunningServer.startDns(org.bastionmail.dns.testserver.TestZone.parse("localhost", SmtpAuditTest.SOA + "@ A 127.0.0.1\n"));
        plainPort = freePort();
        tlsPort = freePort();
        started = true;
        run("start", plainDir.toString(), String.valueOf(plainPort), "plain", String.valueOf(fakeAuth.getLocalPort()));
        run("start", tlsDir.toString(), String.valueOf(tlsPort), "tls", String.valueOf(fakeAuth.getLocalPort()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (started) {
            run("stop", plainDir.toString());
            run("stop", tlsDir.toString());
        }
        if (fakeAuth != null) {
            fakeAuth.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    static AuditReport audit(int port) throws Exception {
        AuditSettings settings = new AuditSettings(DnsjavaResolver.create(RunningServer.loopbackDns(dns)), Duration.ofSeconds(5), port,
                CertificateTrust.system(), List.of(), "auditor.test", Optional.empty());
        AuditReport report = new Auditor(settings, d -> { throw new AssertionError("no MTA-STS for a server audit"); })
                .auditServer("127.0.0.1", port, step -> { });
        Files.writeString(Path.of("target/weak-postfix-" + port + ".txt"), ReportText.render(report, false));
        return report;
    }

    static Finding only(AuditReport report, String id) {
        List<Finding> found = report.withId(id);
        assertThat(found).as(id + " in\n" + ReportText.render(report, false)).hasSize(1);
        return found.getFirst();
    }

    @Test
    void withoutTlsEveryPlantedWeaknessIsFound() throws Exception {
        AuditReport report = audit(plainPort);

        assertThat(report.errors()).as(ReportText.render(report, false)).isEmpty();
        assertThat(only(report, "smtp.banner.disclosure").evidence()).containsPattern("S: 220 mx\\.weak\\.test ESMTP Postfix [0-9.]+");
        Finding starttls = only(report, "smtp.starttls.missing");
        assertThat(starttls.severity()).isEqualTo(Severity.HIGH);
        assertThat(starttls.evidence()).contains("C: EHLO auditor.test", "S: 250-mx.weak.test").doesNotContain("STARTTLS");
        assertThat(only(report, "smtp.auth.plaintext").evidence()).contains("S: 250-AUTH PLAIN LOGIN");
        assertVrfyAndRelay(report);
        assertThat(report.findings()).noneMatch(f -> f.id().startsWith("tls."));
        assertThat(report.grade()).isEqualTo(Grade.F);
    }

    @Test
    void withWeakTlsEveryPlantedWeaknessIsFound() throws Exception {
        AuditReport report = audit(tlsPort);

        assertThat(report.errors()).as(ReportText.render(report, false)).isEmpty();
        assertThat(only(report, "smtp.banner.disclosure").evidence()).contains("ESMTP Postfix");
        assertThat(report.withId("smtp.starttls.missing")).isEmpty();
        assertThat(only(report, "smtp.auth.plaintext").evidence()).contains("S: 250-STARTTLS", "S: 250-AUTH PLAIN LOGIN");
        assertVrfyAndRelay(report);
        // TLS 1.0 and 1.1: the ServerHello of each, as evidence
        assertThat(only(report, "tls.protocol.tls1.0").evidence()).contains("C: ClientHello TLS 1.0", "S: ServerHello TLS 1.0 TLS_");
        assertThat(only(report, "tls.protocol.tls1.1").evidence()).contains("C: ClientHello TLS 1.1", "S: ServerHello TLS 1.1 TLS_");
        assertThat(report.withId("tls.protocol.ssl3")).isEmpty();
        // the low grade at security level 0: anonymous suites, static RSA, CBC
        Finding weak = only(report, "tls.cipher.weak");
        assertThat(weak.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(weak.evidence()).contains("_anon_WITH_");
        assertThat(only(report, "tls.cipher.no-forward-secrecy").evidence()).contains("S: ServerHello TLS 1.2 TLS_RSA_WITH_");
        assertThat(only(report, "tls.cipher.cbc").evidence()).contains("_CBC_");
        assertThat(only(report, "tls.ciphers").evidence()).contains("TLS 1.3: TLS_AES_");
        assertThat(report.withId("tls.protocol.no-tls1.3")).isEmpty();
        // a self-signed certificate, and AUTH on the MX port once TLS is up
        assertThat(only(report, "tls.certificate.untrusted").evidence()).contains("CN=mx.weak.test");
        assertThat(only(report, "tls.certificate.expiring").evidence()).contains("CN=mx.weak.test");
        assertThat(only(report, "smtp.auth.port25").evidence()).contains("250-AUTH PLAIN LOGIN");
        // Postfix is not vulnerable to STARTTLS command injection (CVE-2011-0411 was fixed in 2.8)
        assertThat(report.withId("smtp.starttls.injection")).isEmpty();
        assertThat(report.fails(Optional.of(Severity.HIGH))).isTrue();
    }

    private static void assertVrfyAndRelay(AuditReport report) {
        Finding vrfy = only(report, "smtp.vrfy");
        assertThat(vrfy.title()).contains("answers differently");
        assertThat(vrfy.evidence()).contains("C: VRFY postmaster", "S: 252 2.0.0 postmaster", "-nosuchuser", "S: 550 5.1.1");
        assertThat(report.withId("smtp.expn")).isEmpty();
        Finding relay = only(report, "smtp.open-relay");
        assertThat(relay.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(relay.evidence()).contains("C: MAIL FROM:<audit@example.org>", "C: RCPT TO:<relaytest@example.net>", "S: 250 2.1.5 Ok",
                "no message was sent").doesNotContain("DATA");
    }

    /**
     * Just enough of Dovecot's authentication protocol (server side, version 1.2) for Postfix to offer AUTH
     * PLAIN and LOGIN: the handshake. No credential is ever checked, since the audit never authenticates.
     */
    static ServerSocket fakeDovecotAuth() throws IOException {
        ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    Thread.ofVirtual().start(() -> {
                        try (socket) {
                            OutputStream out = socket.getOutputStream();
                            out.write(("VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tLOGIN\tplaintext\nSPID\t1\nCUID\t1\nCOOKIE\t"
                                    + "0".repeat(32) + "\nDONE\n").getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            InputStream in = socket.getInputStream();
                            while (in.read() != -1) {
                                // Postfix's VERSION and CPID lines; nothing to answer
                            }
                        } catch (IOException e) {
                            // Postfix hung up
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        return listener;
    }

    /** As ExternalClientsIT: a missing tool skips the test, unless CI is set, where it fails. */
    static void requireTool(String tool) {
        boolean present = System.getenv("PATH") != null && java.util.Arrays.stream(System.getenv("PATH").split(java.io.File.pathSeparator))
                .anyMatch(dir -> new java.io.File(dir, tool).canExecute());
        if (!present && System.getenv("CI") != null) {
            throw new AssertionError(tool + " is not installed; .ci/run must install it");
        }
        Assumptions.assumeTrue(present, tool + " is not installed");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static void run(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("sh", SCRIPT.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(command + " failed (" + process.exitValue() + "):\n" + output);
        }
    }
}
