package org.bastionmail.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.bastionmail.config.Config;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * DNSSEC validation from a test root: a signed tree (root, test., children), an unsigned child with an
 * NSEC proof of no DS, and children whose signatures are corrupted or expired.
 */
class DnssecValidationTest {
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";
    private static TestDnsServer server;
    private static TestZone root;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws IOException {
        TestZone insecure = TestZone.parse("insecure.test", SOA + "host A 192.0.2.20\n");
        TestZone bogus = TestZone.parse("bogus.test", SOA + "host A 192.0.2.30\nfine A 192.0.2.31\n")
                .sign().corruptSignature("host.bogus.test", Type.A);
        Instant past = Instant.now().minus(30, ChronoUnit.DAYS);
        TestZone expired = TestZone.parse("expired.test", SOA + "host A 192.0.2.40\n")
                .sign(past, past.plus(7, ChronoUnit.DAYS));
        TestZone test = TestZone.parse("test", SOA + """
                www A 192.0.2.10
                mail MX 10 www
                spf TXT "v=spf1 -all"
                alias CNAME www
                toinsecure CNAME host.insecure.test.
                """).delegate(insecure).delegate(bogus).delegate(expired).sign();
        root = TestZone.parse(".", "@ SOA ns.test. hostmaster.test. 1 3600 600 86400 300\n@ NS ns.test.\n")
                .delegate(test).sign();
        server = TestDnsServer.start(root, test, insecure, bogus, expired);
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
    }

    private static DnsjavaResolver resolver(String anchors) throws IOException {
        return DnsjavaResolver.create(List.of(server.address()), Duration.ofSeconds(2), true,
                new ByteArrayInputStream(anchors.getBytes(StandardCharsets.US_ASCII)), Clock.systemUTC());
    }

    private static DnsjavaResolver anchoredAtTestRoot() throws IOException {
        return resolver(root.ds().orElseThrow().toString() + "\n");
    }

    @Test
    void signedAnswersAreSecure() throws Exception {
        DnsjavaResolver resolver = anchoredAtTestRoot();
        assertThat(resolver.a("www.test")).isEqualTo(
                new Lookup.Found<>(List.of(InetAddress.getByName("192.0.2.10")), DnssecStatus.SECURE));
        assertThat(resolver.txt("spf.test")).isEqualTo(new Lookup.Found<>(List.of("v=spf1 -all"), DnssecStatus.SECURE));
        assertThat(resolver.a("alias.test").dnssec()).isEqualTo(DnssecStatus.SECURE);
    }

    @Test
    void signedDenialsAreSecure() throws Exception {
        DnsjavaResolver resolver = anchoredAtTestRoot();
        assertThat(resolver.a("nothere.test")).isEqualTo(new Lookup.NoSuchName<>(DnssecStatus.SECURE));
        assertThat(resolver.aaaa("www.test")).isEqualTo(new Lookup.NoRecords<>(DnssecStatus.SECURE));
    }

    @Test
    void unsignedChildWithProvenMissingDsIsInsecure() throws Exception {
        DnsjavaResolver resolver = anchoredAtTestRoot();
        assertThat(resolver.a("host.insecure.test")).isEqualTo(
                new Lookup.Found<>(List.of(InetAddress.getByName("192.0.2.20")), DnssecStatus.INSECURE));
        assertThat(resolver.a("gone.insecure.test")).isEqualTo(new Lookup.NoSuchName<>(DnssecStatus.INSECURE));
        // a chain from a secure name into insecure space is only as good as its weakest link
        assertThat(resolver.a("toinsecure.test").dnssec()).isEqualTo(DnssecStatus.INSECURE);
    }

    @Test
    void corruptedSignatureIsBogusAndNeverUsed() throws Exception {
        DnsjavaResolver resolver = anchoredAtTestRoot();
        Lookup<List<InetAddress>> lookup = resolver.a("host.bogus.test");
        assertThat(lookup).isInstanceOf(Lookup.Failed.class);
        assertThat(lookup.dnssec()).isEqualTo(DnssecStatus.BOGUS);
        assertThat(((Lookup.Failed<?>) lookup).reason()).contains("host.bogus.test");
        // the zone's other, intact, signatures still validate
        assertThat(resolver.a("fine.bogus.test").dnssec()).isEqualTo(DnssecStatus.SECURE);
    }

    @Test
    void expiredSignaturesAreBogus() throws Exception {
        Lookup<List<InetAddress>> lookup = anchoredAtTestRoot().a("host.expired.test");
        assertThat(lookup).isInstanceOf(Lookup.Failed.class);
        assertThat(lookup.dnssec()).isEqualTo(DnssecStatus.BOGUS);
    }

    @Test
    void theRealRootAnchorsCannotVouchForTheTestRoot() throws Exception {
        DnsjavaResolver resolver = DnsjavaResolver.create(new Config.Dns(
                List.of(server.address()), Duration.ofSeconds(2), Optional.empty(), true));
        assertThat(resolver.a("www.test").dnssec()).isEqualTo(DnssecStatus.BOGUS);
    }

    @Test
    void namesOutsideEveryTrustAnchorAreIndeterminate() throws Exception {
        TestZone elsewhere = TestZone.parse("elsewhere", SOA).sign();
        DnsjavaResolver resolver = resolver(elsewhere.ds().orElseThrow().toString() + "\n");
        assertThat(resolver.a("www.test")).isEqualTo(
                new Lookup.Found<>(List.of(InetAddress.getByName("192.0.2.10")), DnssecStatus.INDETERMINATE));
    }

    @Test
    void trustAnchorsComeFromTheConfiguredFile() throws Exception {
        Path anchors = dir.resolve("anchors.txt");
        Files.writeString(anchors, "; test root\n" + root.ds().orElseThrow() + "\n");
        DnsjavaResolver resolver = DnsjavaResolver.create(
                new Config.Dns(List.of(server.address()), Duration.ofSeconds(2), Optional.of(anchors), true));
        assertThat(resolver.a("www.test").dnssec()).isEqualTo(DnssecStatus.SECURE);
    }

    @Test
    void withDnssecOffEverythingIsIndeterminateEvenBogusData() throws Exception {
        DnsjavaResolver resolver = DnsjavaResolver.create(
                new Config.Dns(List.of(server.address()), Duration.ofSeconds(2), Optional.empty(), false));
        assertThat(resolver.a("www.test").dnssec()).isEqualTo(DnssecStatus.INDETERMINATE);
        assertThat(resolver.a("host.bogus.test")).isEqualTo(
                new Lookup.Found<>(List.of(InetAddress.getByName("192.0.2.30")), DnssecStatus.INDETERMINATE));
    }

    @Test
    void anAnchorFileWithoutAnchorsIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> resolver("; nothing\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("no DS or DNSKEY");
    }
}
