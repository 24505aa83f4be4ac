package org.bastionmail.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.bastionmail.config.Config;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * DNSSEC as the audit sees it, through a validating resolver and a signed root on loopback: a signed zone is
 * secure and quiet, an unsigned one is reported insecure, a bad signature is bogus, and each answer's status
 * is in the evidence.
 */
class DnssecAuditTest {
    static final String SOA = SmtpAuditTest.SOA;
    static final String RECORDS = "@ MX 10 mx\nmx A 127.0.0.1\n@ TXT \"v=spf1 mx -all\"\n"
            + "_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:d@example.test\"\n";

    @TempDir
    static Path dir;
    static TestDnsServer server;
    static DnsjavaResolver resolver;

    @BeforeAll
    static void zones() throws Exception {
        TestZone secure = TestZone.parse("secure.test", SOA + RECORDS).sign();
        TestZone insecure = TestZone.parse("insecure.test", SOA + RECORDS);
        TestZone bogus = TestZone.parse("bogus.test", SOA + RECORDS).sign().corruptSignature("bogus.test", Type.MX);
        // a signed domain whose MX host is in the unsigned zone
        TestZone split = TestZone.parse("split.test", SOA + "@ MX 10 mx.insecure.test.\n").sign();
        TestZone test = TestZone.parse("test", SOA).delegate(secure).delegate(insecure).delegate(bogus).delegate(split).sign();
        TestZone root = TestZone.parse(".", "@ SOA ns.test. hostmaster.test. 1 3600 600 86400 300\n@ NS ns.test.\n").delegate(test).sign();
        server = TestDnsServer.start(root, test, secure, insecure, bogus, split);
        Path anchors = dir.resolve("anchors.txt");
        Files.writeString(anchors, root.ds().orElseThrow() + "\n");
        resolver = DnsjavaResolver.create(new Config.Dns(List.of(server.address()), Duration.ofSeconds(2), Optional.of(anchors), true));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static AuditReport audit(String domain) {
        AuditSettings settings = new AuditSettings(resolver, Duration.ofSeconds(2), DomainAuditTest.closedPort(), CertificateTrust.system(),
                List.of("sel"), "auditor.test", Optional.empty());
        return new Auditor(settings, d -> new org.bastionmail.mtasts.PolicyFetcher.Failed(
                org.bastionmail.tlsrpt.ResultType.STS_POLICY_FETCH_ERROR, "not here")).auditDomain(domain, step -> { });
    }

    @Test
    void aSignedZoneIsSecureAndQuiet() {
        AuditReport report = audit("secure.test");
        Finding secure = report.withId("dnssec.secure").getFirst();
        assertThat(secure.evidence()).contains("secure.test MX: [MxRecord[preference=10, exchange=mx.secure.test]] (DNSSEC SECURE)",
                "_dmarc.secure.test TXT: [v=DMARC1", "mx.secure.test A: [/127.0.0.1] (DNSSEC SECURE)", "mx.secure.test AAAA: no records (DNSSEC SECURE)");
        assertThat(report.findings()).extracting(Finding::id).doesNotContain("dnssec.unsigned", "dnssec.bogus", "dnssec.mx-host.unsigned");
    }

    @Test
    void anUnsignedZoneIsReportedInsecure() {
        AuditReport report = audit("insecure.test");
        Finding unsigned = report.withId("dnssec.unsigned").getFirst();
        assertThat(unsigned.severity()).isEqualTo(Severity.LOW);
        assertThat(unsigned.title()).contains("insecure");
        assertThat(unsigned.evidence()).contains("insecure.test MX: [MxRecord[preference=10, exchange=mx.insecure.test]] (DNSSEC INSECURE)");
        assertThat(report.findings()).extracting(Finding::id).doesNotContain("dnssec.secure", "dnssec.bogus");
    }

    @Test
    void aBadSignatureIsBogus() {
        AuditReport report = audit("bogus.test");
        Finding bogus = report.withId("dnssec.bogus").getFirst();
        assertThat(bogus.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(bogus.title()).contains("bogus.test MX");
        assertThat(bogus.evidence()).contains("bogus.test MX: failed: DNSSEC validation failed", "(DNSSEC BOGUS)",
                "_dmarc.bogus.test TXT: [v=DMARC1; p=reject; rua=mailto:d@example.test] (DNSSEC SECURE)");
        // the bogus MX answer is a finding, not an error of the audit, and gives no host to probe
        assertThat(report.errors()).noneMatch(e -> e.contains("MX lookup"));
        assertThat(report.grade()).isEqualTo(Grade.F);
    }

    @Test
    void aSignedDomainWithAnMxHostInAnUnsignedZoneIsReported() {
        AuditReport report = audit("split.test");
        assertThat(report.withId("dnssec.secure")).hasSize(1);
        Finding host = report.withId("dnssec.mx-host.unsigned").getFirst();
        assertThat(host.subject()).isEqualTo("DNSSEC mx.insecure.test");
        assertThat(host.evidence()).contains("mx.insecure.test A: [/127.0.0.1] (DNSSEC INSECURE)");
    }
}
