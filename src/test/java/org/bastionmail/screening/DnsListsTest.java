package org.bastionmail.screening;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bastionmail.config.Config;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DNS block and allow lists against zones served by the loopback test DNS server. */
class DnsListsTest {
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";
    private static final String V6_LISTED = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2";

    private static TestDnsServer server;
    private static DnsResolver dns;

    @BeforeAll
    static void startDns() throws Exception {
        server = TestDnsServer.start(
                TestZone.parse("bl.test", SOA + """
                        2.0.0.127 A 127.0.0.2
                        2.0.0.127 TXT "listed, see https://bl.test/"
                        3.0.0.127 A 127.255.255.254
                        4.0.0.127 A 192.0.2.1
                        5.0.0.127 A 127.0.0.20
                        6.0.0.127 A 127.0.0.3
                        %s A 127.0.0.2
                        """.formatted(V6_LISTED)),
                TestZone.parse("other-bl.test", SOA + """
                        2.0.0.127 A 127.0.0.4
                        6.0.0.127 A 127.0.0.4
                        """),
                TestZone.parse("wl.test", SOA + "6.0.0.127 A 127.0.10.2\n"),
                TestZone.parse("broken.test", SOA));
        server.servfail("2.0.0.127.broken.test");
        dns = DnsjavaResolver.create(new Config.Dns(List.of(server.address()), Duration.ofSeconds(1), Optional.empty(), false));
    }

    @AfterAll
    static void stopDns() throws Exception {
        server.close();
    }

    private static DnsLists.Zone zone(String name, int weight, String... answers) {
        return new DnsLists.Zone(name, weight, answers.length == 0 ? AnswerCodes.any() : AnswerCodes.parse(List.of(answers)));
    }

    private static DnsLists.Verdict check(DnsLists lists, String client) throws Exception {
        return lists.check(InetAddress.getByName(client)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void queryNamesReverseOctetsAndNibbles() throws Exception {
        assertThat(DnsLists.queryName(InetAddress.getByName("192.0.2.99"), "Zen.Example"))
                .isEqualTo("99.2.0.192.zen.example");
        assertThat(DnsLists.queryName(InetAddress.getByName("2001:db8::1"), "bl.test")).isEqualTo(V6_LISTED + ".bl.test");
    }

    @Test
    void weightsOfTheListsAClientIsOnAddUp() throws Exception {
        DnsLists lists = new DnsLists(dns, List.of(zone("bl.test", 2), zone("other-bl.test", 3)), List.of(),
                Clock.systemUTC());
        assertThat(check(lists, "127.0.0.2")).isEqualTo(new DnsLists.Verdict(5, List.of("bl.test", "other-bl.test"),
                Optional.empty()));
        assertThat(check(lists, "127.0.0.9")).isEqualTo(DnsLists.Verdict.CLEAN);
        assertThat(check(lists, "2001:db8::1").listedIn()).containsExactly("bl.test");
        assertThat(check(lists, "2001:db8::2")).isEqualTo(DnsLists.Verdict.CLEAN);
    }

    @Test
    void refusalCodesBogusAnswersAndUnwantedCodesAreNotListings() throws Exception {
        DnsLists lists = new DnsLists(dns, List.of(zone("bl.test", 1, "127.0.0.2-127.0.0.11")), List.of(),
                Clock.systemUTC());
        assertThat(check(lists, "127.0.0.3").score()).as("127.255.255.254: query refused").isZero();
        assertThat(check(lists, "127.0.0.4").score()).as("an answer outside 127/8").isZero();
        assertThat(check(lists, "127.0.0.5").score()).as("127.0.0.20 is not one of the configured codes").isZero();
        assertThat(check(lists, "127.0.0.6").score()).isEqualTo(1);
    }

    @Test
    void aFailingListIsTakenAsNotListed() throws Exception {
        DnsLists lists = new DnsLists(dns, List.of(zone("broken.test", 5), zone("missing.invalid", 5)), List.of(),
                Clock.systemUTC());
        assertThat(check(lists, "127.0.0.2")).isEqualTo(DnsLists.Verdict.CLEAN);
    }

    @Test
    void anAllowListHitIsReported() throws Exception {
        DnsLists lists = new DnsLists(dns, List.of(zone("bl.test", 1)), List.of(zone("wl.test", 1)), Clock.systemUTC());
        DnsLists.Verdict verdict = check(lists, "127.0.0.6");
        assertThat(verdict.allowedBy()).contains("wl.test");
        assertThat(verdict.score()).isEqualTo(1);
        assertThat(check(lists, "127.0.0.2").allowedBy()).isEmpty();
    }
}
