package org.bastionmail.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bastionmail.dns.DnsResolver.MxRecord;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Type;
import org.bastionmail.net.HandClock;
import java.time.Instant;

/** Lookups without DNSSEC against a loopback server: record types, negative answers, faults, the cache. */
class DnsjavaResolverTest {
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";

    private TestDnsServer server;
    private final HandClock clock = new HandClock(Instant.now());
    private DnsjavaResolver resolver;

    @BeforeEach
    void start() throws IOException {
        StringBuilder manyTxt = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            manyTxt.append("big TXT \"record number ").append(i).append(" with some padding to make it long\"\n");
        }
        TestZone example = TestZone.parse("example.test", SOA + """
                @ 300 A 192.0.2.1
                @ AAAA 2001:db8::1
                @ MX 10 mx1
                @ MX 20 mx2.example.test.
                mx1 A 192.0.2.10
                txt TXT "v=spf1 " "ip4:192.0.2.0/24 " "-all"
                txt TXT "second"
                alias CNAME alias2
                alias2 CNAME www
                www A 192.0.2.80
                away CNAME host.other.test.
                loop1 CNAME loop2
                loop2 CNAME loop1
                slow A 192.0.2.99
                broken A 192.0.2.98
                tc A 192.0.2.97
                xn--bcher-kva A 192.0.2.55
                null MX 0 .
                """ + manyTxt);
        TestZone other = TestZone.parse("other.test", SOA + "host A 198.51.100.7\n");
        TestZone reverse4 = TestZone.parse("2.0.192.in-addr.arpa", SOA + "1 PTR example.test.\n1 PTR alias.example.test.\n");
        TestZone reverse6 = TestZone.parse("8.b.d.0.1.0.0.2.ip6.arpa", SOA
                + ReverseMap.fromAddress(InetAddress.getByName("2001:db8::1")) + " PTR v6.example.test.\n");
        server = TestDnsServer.start(example, other, reverse4, reverse6)
                .drop("slow.example.test").servfail("broken.example.test").truncate("tc.example.test");
        resolver = DnsjavaResolver.create(List.of(server.address()), Duration.ofMillis(300), false,
                new ByteArrayInputStream(new byte[0]), clock);
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void aAndAaaa() throws Exception {
        assertThat(resolver.a("example.test")).isEqualTo(
                new Lookup.Found<>(List.of(InetAddress.getByName("192.0.2.1")), DnssecStatus.INDETERMINATE));
        assertThat(resolver.aaaa("Example.Test.")).isEqualTo(
                new Lookup.Found<>(List.of(InetAddress.getByName("2001:db8::1")), DnssecStatus.INDETERMINATE));
    }

    @Test
    void mxInServerOrderWithNamesWithoutTrailingDot() {
        assertThat(resolver.mx("example.test")).isEqualTo(new Lookup.Found<>(
                List.of(new MxRecord(10, "mx1.example.test"), new MxRecord(20, "mx2.example.test")),
                DnssecStatus.INDETERMINATE));
        // RFC 7505: a null MX
        assertThat(resolver.mx("null.example.test")).isEqualTo(
                new Lookup.Found<>(List.of(new MxRecord(0, ".")), DnssecStatus.INDETERMINATE));
    }

    @Test
    void txtStringsAreJoinedPerRecord() {
        Lookup<List<String>> txt = resolver.txt("txt.example.test");
        assertThat(txt).isInstanceOf(Lookup.Found.class);
        assertThat(((Lookup.Found<List<String>>) txt).records())
                .containsExactlyInAnyOrder("v=spf1 ip4:192.0.2.0/24 -all", "second");
    }

    @Test
    void ptrForV4AndV6() throws Exception {
        assertThat(((Lookup.Found<List<String>>) resolver.ptr(InetAddress.getByName("192.0.2.1"))).records())
                .containsExactlyInAnyOrder("example.test", "alias.example.test");
        assertThat(resolver.ptr(InetAddress.getByName("2001:db8::1"))).isEqualTo(
                new Lookup.Found<>(List.of("v6.example.test"), DnssecStatus.INDETERMINATE));
        assertThat(resolver.ptr(InetAddress.getByName("192.0.2.2"))).isInstanceOf(Lookup.NoSuchName.class);
    }

    @Test
    void noSuchNameAndNoRecordsAreDistinct() {
        Lookup<List<InetAddress>> missing = resolver.a("missing.example.test");
        Lookup<List<InetAddress>> nodata = resolver.aaaa("www.example.test");
        assertThat(missing).isEqualTo(new Lookup.NoSuchName<>(DnssecStatus.INDETERMINATE));
        assertThat(nodata).isEqualTo(new Lookup.NoRecords<>(DnssecStatus.INDETERMINATE));
        assertThat(missing.isEmpty()).isTrue();
        assertThat(nodata.isEmpty()).isTrue();
    }

    @Test
    void cnameChainsAreFollowedWithinAndAcrossZones() throws Exception {
        assertThat(resolver.a("alias.example.test")).isEqualTo(
                new Lookup.Found<>(List.of(InetAddress.getByName("192.0.2.80")), DnssecStatus.INDETERMINATE));
        assertThat(resolver.a("away.example.test")).isEqualTo(
                new Lookup.Found<>(List.of(InetAddress.getByName("198.51.100.7")), DnssecStatus.INDETERMINATE));
    }

    @Test
    void cnameLoopFails() {
        assertThat(resolver.a("loop1.example.test")).isInstanceOf(Lookup.Failed.class);
    }

    @Test
    void timeoutFailsAfterRetries() {
        Lookup<List<InetAddress>> lookup = resolver.a("slow.example.test");
        assertThat(lookup).isInstanceOf(Lookup.Failed.class);
        assertThat(lookup.dnssec()).isEqualTo(DnssecStatus.INDETERMINATE);
        assertThat(((Lookup.Failed<?>) lookup).reason()).contains("timed out");
        assertThat(server.queries("slow.example.test", Type.A)).isEqualTo(Upstream.ROUNDS);
    }

    @Test
    void servfailFailsAndIsNotCached() {
        Lookup<List<InetAddress>> lookup = resolver.a("broken.example.test");
        assertThat(lookup).isInstanceOf(Lookup.Failed.class);
        assertThat(((Lookup.Failed<?>) lookup).reason()).contains("SERVFAIL");
        resolver.a("broken.example.test");
        assertThat(server.queries("broken.example.test", Type.A)).isEqualTo(2 * Upstream.ROUNDS);
    }

    @Test
    void truncatedUdpRepliesAreRetriedOverTcp() throws Exception {
        assertThat(resolver.a("tc.example.test")).isEqualTo(
                new Lookup.Found<>(List.of(InetAddress.getByName("192.0.2.97")), DnssecStatus.INDETERMINATE));
        assertThat(server.tcpQueries()).isEqualTo(1);
        // too big for the advertised UDP payload size: truncated by the server, complete over TCP
        assertThat(((Lookup.Found<List<String>>) resolver.txt("big.example.test")).records()).hasSize(40);
        assertThat(server.tcpQueries()).isEqualTo(2);
    }

    @Test
    void answersAreCachedForTheirTtl() throws Exception {
        resolver.a("example.test");
        resolver.a("EXAMPLE.test.");
        assertThat(server.queries("example.test", Type.A)).isEqualTo(1);
        clock.advance(Duration.ofSeconds(299));
        resolver.a("example.test");
        assertThat(server.queries("example.test", Type.A)).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        resolver.a("example.test");
        assertThat(server.queries("example.test", Type.A)).isEqualTo(2);
    }

    @Test
    void negativeAnswersAreCachedForTheSoaMinimum() {
        resolver.a("missing.example.test");
        resolver.a("missing.example.test");
        resolver.aaaa("www.example.test");
        resolver.aaaa("www.example.test");
        assertThat(server.queries("missing.example.test", Type.A)).isEqualTo(1);
        assertThat(server.queries("www.example.test", Type.AAAA)).isEqualTo(1);
        // SOA TTL 3600, MINIMUM 300: the lesser counts (RFC 2308 5)
        clock.advance(Duration.ofSeconds(301));
        resolver.a("missing.example.test");
        resolver.aaaa("www.example.test");
        assertThat(server.queries("missing.example.test", Type.A)).isEqualTo(2);
        assertThat(server.queries("www.example.test", Type.AAAA)).isEqualTo(2);
    }

    @Test
    void unicodeNamesAreAskedAsALabels() throws Exception {
        assertThat(resolver.a("bücher.example.test")).isEqualTo(
                new Lookup.Found<>(List.of(InetAddress.getByName("192.0.2.55")), DnssecStatus.INDETERMINATE));
        assertThat(server.queries("xn--bcher-kva.example.test", Type.A)).isEqualTo(1);
    }

    @Test
    void impossibleNamesDoNotExistWithoutAQuery() {
        assertThat(resolver.a("a..example.test")).isInstanceOf(Lookup.NoSuchName.class);
        assertThat(resolver.a("x".repeat(64) + ".example.test")).isInstanceOf(Lookup.NoSuchName.class);
        assertThat(resolver.a("")).isInstanceOf(Lookup.NoSuchName.class);
        // RFC 6761 6.4: "invalid." never exists
        assertThat(resolver.txt("_dmarc.sender.invalid")).isInstanceOf(Lookup.NoSuchName.class);
        assertThat(resolver.mx("INVALID.")).isInstanceOf(Lookup.NoSuchName.class);
        assertThat(server.queries()).isZero();
    }

    @Test
    void serverOutsideItsZonesRefusesAndTheLookupFails() {
        assertThat(resolver.a("elsewhere.example")).isInstanceOf(Lookup.Failed.class);
    }

    @Test
    void manyVirtualThreadsLookUpAtOnce() throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Lookup<List<InetAddress>>>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String name = i % 2 == 0 ? "www.example.test" : "mx1.example.test";
                results.add(threads.submit(() -> resolver.a(name)));
            }
            for (Future<Lookup<List<InetAddress>>> result : results) {
                assertThat(result.get()).isInstanceOf(Lookup.Found.class);
            }
        }
    }

    @Test
    void theShippedRootAnchorsHoldBothIanaKeys() throws Exception {
        try (var in = DnsjavaResolver.rootAnchors()) {
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(text).contains(". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D");
            assertThat(text).contains(". IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16");
        }
        DnsjavaResolver withRootAnchors = DnsjavaResolver.create(new org.bastionmail.config.Config.Dns(
                List.of(server.address()), Duration.ofSeconds(1), java.util.Optional.empty(), true));
        assertThat(withRootAnchors).isNotNull();
    }
}
