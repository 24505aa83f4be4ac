package org.bastionmail.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;
import org.bastionmail.mtasts.PolicyFetcher;
import org.bastionmail.server.RunningServer;
import org.bastionmail.tlsrpt.ResultType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DNS record checks against zones on a loopback DNS server: each bad record fires its check, good ones stay quiet. */
class DomainAuditTest {
    static final String SOA = SmtpAuditTest.SOA;
    static final String GOOD_POLICY = "version: STSv1\nmode: enforce\nmx: mx.good.audit.test\nmax_age: 604800\n";

    @TempDir
    static Path dir;
    static TestDnsServer dns;
    static DnsjavaResolver resolver;

    @BeforeAll
    static void zones() throws Exception {
        StringBuilder zone = new StringBuilder(SOA);
        // good: strict SPF, DMARC reject with reports, TLS-RPT, MTA-STS enforce covering the MX, a 2048-bit DKIM key
        zone.append("good MX 10 mx.good\nmx.good A 127.0.0.1\ngood TXT \"v=spf1 mx -all\"\n")
                .append("_dmarc.good TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@good.audit.test\"\n")
                .append("_smtp._tls.good TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@good.audit.test\"\n")
                .append("_mta-sts.good TXT \"v=STSv1; id=20261127\"\n")
                .append("sel._domainkey.good TXT ").append(dkimRecord(2048)).append('\n');
        // plus: +all, p=none, an MTA-STS record whose policy cannot be fetched, no TLS-RPT, a 1024-bit DKIM key
        zone.append("plus TXT \"v=spf1 +all\"\n_dmarc.plus TXT \"v=DMARC1; p=none\"\n_mta-sts.plus TXT \"v=STSv1; id=1\"\n")
                .append("sel._domainkey.plus TXT ").append(dkimRecord(1024)).append('\n');
        // many: 11 includes (over the 10-lookup limit), no DMARC
        zone.append("many TXT ").append(txt("v=spf1 " + String.join(" ", IntStream.rangeClosed(1, 11).mapToObj(i -> "include:i" + i + ".many.audit.test").toList())
                + " -all")).append('\n');
        IntStream.rangeClosed(1, 11).forEach(i -> zone.append("i").append(i).append(".many TXT \"v=spf1 ip4:192.0.2.").append(i).append(" -all\"\n"));
        // two: two SPF records, an invalid DMARC record
        zone.append("two TXT \"v=spf1 -all\"\ntwo TXT \"v=spf1 mx -all\"\n_dmarc.two TXT \"v=DMARC1; p=bogus\"\n");
        // voids: three includes of names without records, ptr, ?all; two DMARC records
        zone.append("voids TXT \"v=spf1 ptr include:nx1.voids.audit.test include:nx2.voids.audit.test include:nx3.voids.audit.test ?all\"\n")
                .append("_dmarc.voids TXT \"v=DMARC1; p=reject\"\n_dmarc.voids TXT \"v=DMARC1; p=none\"\n");
        // null MX; dangling MX; an MTA-STS policy that does not cover the MX
        zone.append("nullmx MX 0 .\n").append("dangling MX 10 nohost.dangling\n")
                .append("sts MX 10 mx.sts\n_mta-sts.sts TXT \"v=STSv1; id=2\"\n");
        // an MX host that is an alias; a null MX mixed with a real one
        zone.append("cname MX 10 alias.cname\nalias.cname CNAME real.cname\nreal.cname A 127.0.0.1\n")
                .append("mixed MX 0 .\nmixed MX 10 mx.good\n");
        // DMARC of organizational domains (RFC 7489 6.6.3): one with sp=none, one with p=reject only
        TestZone lax = TestZone.parse("laxorg.test", SOA + "_dmarc TXT \"v=DMARC1; p=reject; sp=none; rua=mailto:d@laxorg.test\"\n");
        TestZone strict = TestZone.parse("strictorg.test", SOA + "_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:d@strictorg.test\"\n"
                + "own.sub TXT \"v=spf1 -all\"\n_dmarc.own.sub TXT \"v=DMARC1; p=none; rua=mailto:d@strictorg.test\"\n");
        dns = RunningServer.startDns(TestZone.parse("localhost", SOA + "@ A 127.0.0.1\n"), TestZone.parse("audit.test", zone.toString()), lax, strict);
        resolver = DnsjavaResolver.create(RunningServer.loopbackDns(dns));
    }

    @AfterAll
    static void stop() throws Exception {
        dns.close();
    }

    static String dkimRecord(int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        return txt("v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded()));
    }

    /** A TXT record's character-strings (at most 255 octets each, RFC 1035 3.3.14), which readers concatenate. */
    static String txt(String text) {
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 200) {
            chunks.add("\"" + text.substring(i, Math.min(text.length(), i + 200)) + "\"");
        }
        return String.join(" ", chunks);
    }

    static PolicyFetcher fetcher = domain -> switch (domain) {
        case "good.audit.test" -> new PolicyFetcher.Fetched(GOOD_POLICY);
        case "sts.audit.test" -> new PolicyFetcher.Fetched("version: STSv1\nmode: enforce\nmx: other.example\nmax_age: 3600\n");
        default -> new PolicyFetcher.Failed(ResultType.STS_POLICY_FETCH_ERROR, "connection refused");
    };

    static AuditReport audit(String domain, List<String> selectors, int port) {
        AuditSettings settings = new AuditSettings(resolver, Duration.ofSeconds(3), port, CertificateTrust.system(), selectors,
                "auditor.test", Optional.empty());
        return new Auditor(settings, fetcher).auditDomain(domain, step -> { });
    }

    static AuditReport audit(String domain) {
        return audit(domain, List.of("sel"), 25);
    }

    static List<String> ids(AuditReport report) {
        return report.findings().stream().filter(f -> f.severity() != Severity.INFO).map(Finding::id).toList();
    }

    @Test
    void weakRecordsAreFound() {
        AuditReport plus = audit("plus.audit.test");
        assertThat(ids(plus)).contains("spf.all.pass", "dmarc.policy.none", "mtasts.policy.fetch", "tlsrpt.missing", "dkim.key-size", "dns.mx.missing",
                "dmarc.rua");
        assertThat(plus.withId("spf.all.pass").getFirst().evidence()).isEqualTo("TXT plus.audit.test \"v=spf1 +all\"");
        assertThat(plus.withId("mtasts.policy.fetch").getFirst().evidence()).contains("connection refused");
        assertThat(plus.withId("dkim.key-size").getFirst().severity()).isEqualTo(Severity.LOW);

        AuditReport many = audit("many.audit.test");
        assertThat(ids(many)).contains("spf.lookups", "dmarc.missing");
        assertThat(many.withId("spf.lookups").getFirst().title()).contains("11 DNS lookups");

        AuditReport two = audit("two.audit.test");
        assertThat(ids(two)).contains("spf.multiple", "dmarc.invalid");
        assertThat(two.withId("dmarc.invalid").getFirst().title()).contains("p");

        AuditReport voids = audit("voids.audit.test");
        assertThat(ids(voids)).contains("spf.void-lookups", "spf.ptr", "spf.all.neutral", "dmarc.multiple");
    }

    @Test
    void mxProblemsAreFound() {
        assertThat(audit("nullmx.audit.test").withId("dns.mx.null")).hasSize(1);
        assertThat(ids(audit("nullmx.audit.test"))).doesNotContain("dns.mx.missing");
        AuditReport dangling = audit("dangling.audit.test");
        assertThat(ids(dangling)).contains("dns.mx.dangling");
        assertThat(dangling.withId("dns.mx.dangling").getFirst().evidence()).contains("nohost.dangling.audit.test");
        AuditReport sts = audit("sts.audit.test");
        assertThat(ids(sts)).contains("mtasts.mx", "mtasts.max-age");
        assertThat(sts.withId("mtasts.mx").getFirst().severity()).isEqualTo(Severity.HIGH);
    }

    @Test
    void mxAliasesAndMixedNullMxAreFound() {
        AuditReport cname = audit("cname.audit.test");
        Finding alias = cname.withId("dns.mx.cname").getFirst();
        assertThat(alias.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(alias.evidence()).contains("CNAME alias.cname.audit.test", "real.cname.audit.test");
        assertThat(ids(cname)).doesNotContain("dns.mx.dangling");

        AuditReport mixed = audit("mixed.audit.test");
        assertThat(ids(mixed)).contains("dns.mx.null-mixed");
        assertThat(mixed.withId("dns.mx").getFirst().title()).contains("mx.good.audit.test");
        assertThat(ids(audit("nullmx.audit.test"))).doesNotContain("dns.mx.null-mixed", "dns.mx.cname");
    }

    @Test
    void aSubdomainWithoutDmarcInheritsTheOrganizationalDomainsPolicy() {
        AuditReport lax = audit("mail.laxorg.test");
        assertThat(lax.withId("dmarc.inherited").getFirst().title()).contains("sp=none");
        Finding none = lax.withId("dmarc.policy.none").getFirst();
        assertThat(none.title()).contains("sp=none").contains("inherited");
        assertThat(none.evidence()).contains("TXT _dmarc.mail.laxorg.test: no v=DMARC1 record", "TXT _dmarc.laxorg.test \"v=DMARC1; p=reject; sp=none");
        assertThat(ids(lax)).doesNotContain("dmarc.missing", "dmarc.subdomains");

        AuditReport strict = audit("mail.strictorg.test");
        assertThat(strict.withId("dmarc.policy").getFirst().title()).contains("p=reject").contains("inherited");
        assertThat(ids(strict)).doesNotContain("dmarc.missing", "dmarc.policy.none");
        // a subdomain with its own record is judged by it, not by the organizational domain's
        AuditReport own = audit("own.sub.strictorg.test");
        assertThat(own.withId("dmarc.inherited")).isEmpty();
        assertThat(ids(own)).contains("dmarc.policy.none");
        // the organizational domain itself: sp=none is its own weakness
        assertThat(ids(audit("laxorg.test"))).contains("dmarc.subdomains");
    }

    @Test
    void goodRecordsStayQuiet() {
        // no SMTP server on this port: the records are checked, the host is an error
        AuditReport good = audit("good.audit.test", List.of("sel"), closedPort());
        assertThat(ids(good)).as(good.findings().toString()).containsOnly("dnssec.unsigned");
        assertThat(good.withId("dkim.key").getFirst().title()).contains("2048 bits");
        assertThat(good.withId("mtasts.policy")).hasSize(1);
        assertThat(good.errors()).isNotEmpty();
    }

    @Test
    void missingSelectorsAreReportedOnlyWhenGiven() {
        assertThat(audit("good.audit.test", List.of("nosuch"), closedPort()).withId("dkim.missing").getFirst().severity())
                .isEqualTo(Severity.MEDIUM);
        assertThat(audit("plus.audit.test", List.of(), 25).withId("dkim.missing").getFirst().severity()).isEqualTo(Severity.INFO);
    }

    static int closedPort() {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
