package org.bastionmail.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.dns.testserver.TestZone;
import org.bastionmail.server.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bastion audited by its own audit, on loopback: a hardened Bastion has nothing above LOW. */
class BastionAuditTest {
    static final String SOA = SmtpAuditTest.SOA;

    @TempDir
    static Path dir;
    static RunningServer bastion;
    static DnsjavaResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        String zone = SOA + "@ MX 10 mx\nmx A 127.0.0.1\n@ TXT \"v=spf1 mx -all\"\n"
                + "_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@good.test\"\n"
                + "_smtp._tls TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@good.test\"\n"
                + "_mta-sts TXT \"v=STSv1; id=20261127\"\n";
        bastion = RunningServer.start(dir, config -> config.withDomains("mx.good.test", List.of("good.test")),
                TestZone.parse("good.test", zone), TestZone.parse("localhost", SOA + "@ A 127.0.0.1\n"));
        resolver = DnsjavaResolver.create(RunningServer.loopbackDns(bastion.dns()));
    }

    @AfterAll
    static void stop() {
        bastion.close();
    }

    static AuditReport audit(CertificateTrust trust) {
        AuditSettings settings = new AuditSettings(resolver, Duration.ofSeconds(5), bastion.port("smtp"), trust, List.of(),
                "auditor.test", Optional.of(bastion.port("submission")))
                .withAccessPorts(Optional.of(bastion.port("imap")), Optional.of(bastion.port("pop3")))
                .withImplicitTlsPorts(new AuditSettings.ImplicitTlsPorts(Optional.of(bastion.port("submissions")),
                        Optional.of(bastion.port("imaps")), Optional.of(bastion.port("pop3s"))));
        return new Auditor(settings, domain -> new org.bastionmail.mtasts.PolicyFetcher.Fetched(
                "version: STSv1\nmode: enforce\nmx: mx.good.test\nmax_age: 604800\n")).auditDomain("good.test", step -> { });
    }

    @Test
    void aHardenedBastionWithItsCertificateTrustedIsClean() throws Exception {
        AuditReport report = audit(CertificateTrust.pemFile(bastion.certificate()));
        java.nio.file.Files.writeString(Path.of("target/hardened-report.txt"), ReportText.render(report, false));

        assertThat(report.errors()).isEmpty();
        assertThat(report.findings()).as(ReportText.render(report, false)).allMatch(f -> !f.severity().atLeast(Severity.MEDIUM));
        // MX, submission (587) and submissions (465, implicit TLS)
        assertThat(report.withId("smtp.ehlo.capabilities")).hasSize(3);
        assertThat(report.withId("tls.session")).hasSize(3);
        assertThat(report.withId("tls.session")).anyMatch(f -> f.subject().endsWith(":" + bastion.port("submissions")));
        // every TLS service scanned, STARTTLS and implicit: TLS 1.2 and 1.3 with AEAD suites only
        assertThat(report.withId("tls.ciphers")).hasSize(7).allSatisfy(f -> assertThat(f.evidence())
                .contains("TLS 1.3: TLS_AES_").doesNotContain("TLS 1.0", "TLS 1.1", "CBC", "TLS_RSA_"));
        assertThat(report.findings()).noneMatch(f -> f.id().startsWith("tls.protocol.") || f.id().startsWith("tls.cipher."));
        // what is left: the test zone is unsigned (AUTH is only on the submission ports)
        assertThat(report.findings()).filteredOn(f -> f.severity() != Severity.INFO).extracting(Finding::id)
                .containsOnly("dnssec.unsigned");
        assertThat(report.findings()).noneMatch(f -> f.id().startsWith("imap.") || f.id().startsWith("pop3."));
        assertThat(report.fails(Optional.of(Severity.MEDIUM))).isFalse();
    }

    @Test
    void itsSelfSignedCertificateIsNotTrustedBySystemCas() {
        AuditReport report = audit(CertificateTrust.system());

        assertThat(report.withId("tls.certificate.untrusted")).isNotEmpty()
                .allMatch(f -> f.severity() == Severity.MEDIUM && f.evidence().contains("CN=mx.good.test"));
        assertThat(report.findings()).filteredOn(f -> f.severity().atLeast(Severity.MEDIUM))
                .allMatch(f -> f.id().equals("tls.certificate.untrusted"));
    }
}
