package org.bastionmail.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;
import org.bastionmail.server.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SMTP and TLS probes against scripted servers on loopback: each weakness is found, and only when present. */
class SmtpAuditTest {
    static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";
    static final List<String> SMTP_WEAKNESSES = List.of("smtp.banner.disclosure", "smtp.auth.plaintext", "smtp.vrfy", "smtp.expn",
            "smtp.open-relay", "smtp.starttls.injection", "smtp.long-line", "tls.protocol.tls1.0", "tls.protocol.tls1.1",
            "tls.cipher.weak", "tls.certificate.untrusted", "tls.certificate.name", "smtp.auth.port25");

    @TempDir
    static Path dir;
    static TestDnsServer dns;
    static DnsjavaResolver resolver;

    @BeforeAll
    static void dns() throws Exception {
        dns = RunningServer.startDns(TestZone.parse("localhost", SOA + "@ A 127.0.0.1\n"),
                TestZone.parse("weak.test", SOA + "mx A 127.0.0.1\nquiet A 127.0.0.1\n"));
        resolver = DnsjavaResolver.create(RunningServer.loopbackDns(dns));
    }

    @AfterAll
    static void stop() throws Exception {
        dns.close();
    }

    static AuditSettings settings(CertificateTrust trust) {
        return new AuditSettings(resolver, Duration.ofSeconds(3), 25, trust, List.of(), "auditor.test", Optional.empty());
    }

    static Finding only(AuditReport report, String id) {
        List<Finding> found = report.withId(id);
        assertThat(found).as(id + " in " + report.findings()).hasSize(1);
        return found.getFirst();
    }

    @Test
    void aWeakServerShowsEveryWeaknessWithEvidence() throws Exception {
        try (FakeSmtpServer fake = new FakeSmtpServer(dir.resolve("weak"), "mx.weak.test", FakeSmtpServer.Weaknesses.all())) {
            AuditReport report = new Auditor(settings(CertificateTrust.system()), d -> { throw new AssertionError("no MTA-STS here"); })
                    .auditServer("127.0.0.1", fake.port(), step -> { });

            assertThat(report.errors()).isEmpty();
            for (String id : SMTP_WEAKNESSES) {
                assertThat(report.withId(id)).as(id + " in " + report.findings()).isNotEmpty();
            }
            assertThat(only(report, "smtp.banner.disclosure").evidence()).contains("S: 220 mx.weak.test ESMTP Postfix 3.4.1");
            assertThat(only(report, "smtp.vrfy").evidence()).contains("C: VRFY postmaster").contains("S: 250 2.0.0 <postmaster@weak.test>");
            Finding relay = only(report, "smtp.open-relay");
            assertThat(relay.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(relay.evidence()).contains("C: MAIL FROM:<audit@example.org>", "C: RCPT TO:<relaytest@example.net>", "S: 250 2.1.5 ok", "no message was sent")
                    .doesNotContain("DATA");
            assertThat(only(report, "smtp.starttls.injection").evidence()).contains("C: STARTTLS", "C: NOOP", "S: 250 2.0.0 ok");
            assertThat(only(report, "tls.protocol.tls1.0").evidence()).contains("C: ClientHello TLS 1.0", "S: ServerHello TLS 1.0");
            assertThat(report.withId("smtp.starttls.missing")).isEmpty();
            assertThat(report.grade()).isEqualTo(Grade.F);
            assertThat(report.fails(Optional.of(Severity.MEDIUM))).isTrue();
        }
    }

    @Test
    void aServerWithoutStartTlsIsReported() throws Exception {
        try (FakeSmtpServer fake = new FakeSmtpServer(dir.resolve("plain"), "mx.weak.test", FakeSmtpServer.Weaknesses.none().withoutStartTls())) {
            AuditReport report = new Auditor(settings(CertificateTrust.system()), d -> { throw new AssertionError(); })
                    .auditServer("127.0.0.1", fake.port(), step -> { });

            Finding missing = only(report, "smtp.starttls.missing");
            assertThat(missing.severity()).isEqualTo(Severity.HIGH);
            assertThat(missing.evidence()).contains("C: EHLO auditor.test").doesNotContain("STARTTLS");
            assertThat(report.findings()).noneMatch(f -> f.id().startsWith("tls."));
        }
    }

    @Test
    void aWellBehavedServerWithATrustedCertificateIsQuiet() throws Exception {
        Path certDir = dir.resolve("quiet");
        try (FakeSmtpServer fake = new FakeSmtpServer(certDir, "quiet.weak.test", FakeSmtpServer.Weaknesses.none())) {
            CertificateTrust pinned = CertificateTrust.pemFile(fake.certificate(certDir));
            AuditReport report = new Auditor(settings(pinned), d -> { throw new AssertionError(); })
                    .auditServer("quiet.weak.test", fake.port(), step -> { });

            assertThat(report.errors()).isEmpty();
            assertThat(report.findings()).as(report.findings().toString()).allMatch(f -> f.severity() == Severity.INFO);
            assertThat(report.withId("smtp.long-line")).isEmpty();
            assertThat(report.grade()).isEqualTo(Grade.A_PLUS);
            assertThat(report.fails(Optional.of(Severity.INFO))).isTrue();
            assertThat(report.fails(Optional.of(Severity.LOW))).isFalse();
        }
    }

    @Test
    void theSameServerWithoutTheCaFileIsNotTrusted() throws Exception {
        try (FakeSmtpServer fake = new FakeSmtpServer(dir.resolve("untrusted"), "quiet.weak.test", FakeSmtpServer.Weaknesses.none())) {
            AuditReport report = new Auditor(settings(CertificateTrust.system()), d -> { throw new AssertionError(); })
                    .auditServer("quiet.weak.test", fake.port(), step -> { });

            Finding untrusted = only(report, "tls.certificate.untrusted");
            assertThat(untrusted.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(untrusted.evidence()).contains("CN=quiet.weak.test");
            assertThat(report.withId("tls.certificate.name")).isEmpty();
        }
    }

    @Test
    void anUnreachableServerIsAnErrorNotAFinding() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        AuditReport report = new Auditor(settings(CertificateTrust.system()), d -> { throw new AssertionError(); })
                .auditServer("127.0.0.1", closedPort, step -> { });

        assertThat(report.errors()).isNotEmpty();
        assertThat(report.findings()).noneMatch(f -> f.id().startsWith("smtp.") || f.id().startsWith("tls."));
    }

    @Test
    void tlsaRecordsAreCheckedAgainstTheServedCertificate() throws Exception {
        Path certDir = dir.resolve("dane");
        try (FakeSmtpServer fake = new FakeSmtpServer(certDir, "mx.dane.test", FakeSmtpServer.Weaknesses.none())) {
            CertificateTrust pinned = CertificateTrust.pemFile(fake.certificate(certDir));
            java.security.cert.X509Certificate cert;
            try (var in = java.nio.file.Files.newInputStream(fake.certificate(certDir))) {
                cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            String spkiHash = java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()));
            String tlsa = "_" + fake.port() + "._tcp.mx";
            dns.addZone(TestZone.parse("dane.test", SOA + "mx A 127.0.0.1\n" + tlsa + " TLSA 3 1 1 " + "00".repeat(32) + "\n"));
            AuditReport mismatch = new Auditor(settings(pinned), d -> { throw new AssertionError(); })
                    .auditServer("mx.dane.test", fake.port(), step -> { });
            assertThat(only(mismatch, "dane.mismatch").severity()).isEqualTo(Severity.HIGH);
            assertThat(only(mismatch, "dane.mismatch").evidence()).contains("3 1 1 0000");
            assertThat(only(mismatch, "dane.insecure").severity()).isEqualTo(Severity.MEDIUM);

            // another name: the resolver caches the first answer
            dns.addZone(TestZone.parse("match.test", SOA + "mx A 127.0.0.1\n" + tlsa + " TLSA 3 1 1 " + spkiHash + "\n"));
            AuditReport match = new Auditor(settings(pinned), d -> { throw new AssertionError(); })
                    .auditServer("mx.match.test", fake.port(), step -> { });
            assertThat(match.withId("dane.mismatch")).isEmpty();
            assertThat(match.withId("dane.match")).hasSize(1);
        }
    }

    @Test
    void aHostileServerCannotHoldTheAuditWithEndlessReplies() throws Exception {
        try (var hostile = AccessAuditTest.scripted("220 hostile.test ESMTP", java.util.Map.of("EHLO", "250-x\r\n".repeat(500) + "250 x"))) {
            AuditReport report = new Auditor(settings(CertificateTrust.system()), d -> { throw new AssertionError(); })
                    .auditServer("127.0.0.1", hostile.getLocalPort(), step -> { });

            assertThat(report.errors()).anyMatch(e -> e.contains("longer than " + ProbeSession.MAX_REPLY_LINES + " lines"));
            assertThat(report.findings()).noneMatch(f -> f.id().startsWith("smtp.") && f.severity() != Severity.INFO);
        }
    }

    @Test
    void bannerDisclosureIgnoresTheHostName() {
        assertThat(SmtpAudit.disclosure("mx1.example.com ESMTP")).isEmpty();
        assertThat(SmtpAudit.disclosure("mail2.example.com ESMTP ready")).isEmpty();
        assertThat(SmtpAudit.disclosure("mx.example.com ESMTP Exim 4.96")).contains("Exim");
        assertThat(SmtpAudit.disclosure("mx.example.com ESMTP MyMail 2.1.7")).contains("2.1.7");
    }
}
