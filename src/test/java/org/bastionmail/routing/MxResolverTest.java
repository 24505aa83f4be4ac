package org.bastionmail.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.bastionmail.config.Config;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.DnsjavaResolver;
import org.bastionmail.dns.DnssecStatus;
import org.bastionmail.dns.Lookup;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;
import org.bastionmail.smtp.client.Credentials;
import org.bastionmail.smtp.client.Endpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MX routing (RFC 5321 5.1, RFC 7505) against a loopback DNS server. */
class MxResolverTest {
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";
    static TestDnsServer dns;
    static DnsResolver resolver;

    @BeforeAll
    static void start() throws IOException {
        TestZone zone = TestZone.parse("example.test", SOA + """
                ordered MX 20 backup.example.test.
                ordered MX 10 primary.example.test.
                ordered MX 30 last.example.test.
                equal MX 10 a.example.test.
                equal MX 10 b.example.test.
                equal MX 10 c.example.test.
                equal MX 5 best.example.test.
                primary A 192.0.2.10
                primary AAAA 2001:db8::10
                backup A 192.0.2.20
                last A 192.0.2.30
                a A 192.0.2.1
                b A 192.0.2.2
                c A 192.0.2.3
                best A 192.0.2.5
                implicit A 192.0.2.40
                implicit AAAA 2001:db8::40
                nullmx MX 0 .
                nothing TXT "no mail here"
                noaddr MX 10 ghost.example.test.
                literal MX 10 192.0.2.99.
                literal MX 20 primary.example.test.
                broken-host MX 10 servfail.example.test.
                broken-host MX 20 primary.example.test.
                allbroken MX 10 servfail.example.test.
                alias MX 10 mxalias.example.test.
                mxalias CNAME primary.example.test.
                selfmx MX 10 primary.example.test.
                selfmx MX 20 mx.bastion.test.
                selfmx MX 20 backup.example.test.
                selfbest MX 10 mx.bastion.test.
                selfbest MX 20 backup.example.test.
                relay A 192.0.2.77
                """);
        dns = TestDnsServer.start(TestZone.parse("test", SOA), zone).servfail("servfail.example.test")
                .servfail("failing.example.test");
        resolver = DnsjavaResolver.create(new Config.Dns(List.of(dns.address()), Duration.ofSeconds(2), Optional.empty(), false));
    }

    @AfterAll
    static void stop() throws IOException {
        dns.close();
    }

    private static MxResolver mx(AddressFamilies families) {
        return new MxResolver(resolver, RoutingSettings.defaults(Set.of("mx.bastion.test")).withFamilies(families),
                new Random(1));
    }

    private static Route.Hosts hosts(Route route) {
        assertThat(route).isInstanceOf(Route.Hosts.class);
        return (Route.Hosts) route;
    }

    private static InetAddress ip(String text) throws IOException {
        return InetAddress.getByName(text);
    }

    @Test
    void mxHostsInPreferenceOrderWithTheirAddresses() throws Exception {
        Route.Hosts route = hosts(mx(AddressFamilies.IPV6_FIRST).route("Ordered.Example.Test."));
        assertThat(route.hosts()).extracting(RouteHost::name)
                .containsExactly("primary.example.test", "backup.example.test", "last.example.test");
        assertThat(route.hosts().getFirst().addresses()).containsExactly(ip("2001:db8::10"), ip("192.0.2.10"));
        assertThat(route.implicitMx()).isFalse();
        assertThat(route.port()).isEqualTo(25);
        assertThat(route.mxDnssec()).isEqualTo(DnssecStatus.INDETERMINATE);
        assertThat(route.hosts().getFirst().addressesSecure()).isFalse();
        assertThat(route.hosts().getFirst().endpoints(25, Endpoint.Security.STARTTLS)).extracting(Endpoint::hostname)
                .containsOnly("primary.example.test");

        Route.Hosts v4First = hosts(mx(AddressFamilies.IPV4_FIRST).route("ordered.example.test"));
        assertThat(v4First.hosts().getFirst().addresses()).containsExactly(ip("192.0.2.10"), ip("2001:db8::10"));
        Route.Hosts v4Only = hosts(mx(AddressFamilies.IPV4_ONLY).route("ordered.example.test"));
        assertThat(v4Only.hosts().getFirst().addresses()).containsExactly(ip("192.0.2.10"));
        assertThat(v4Only.hosts().getFirst().ipv6Dnssec()).isEmpty();
    }

    @Test
    void equalPreferencesAreShuffledByTheInjectedRandom() {
        Set<List<String>> orders = new HashSet<>();
        for (int seed = 0; seed < 40; seed++) {
            MxResolver resolver = new MxResolver(MxResolverTest.resolver, RoutingSettings.defaults(Set.of()), new Random(seed));
            List<String> names = hosts(resolver.route("equal.example.test")).hosts().stream().map(RouteHost::name).toList();
            assertThat(names.getFirst()).isEqualTo("best.example.test");
            assertThat(names.subList(1, 4)).containsExactlyInAnyOrder("a.example.test", "b.example.test", "c.example.test");
            orders.add(names);
        }
        assertThat(orders).hasSizeGreaterThan(2);
        // the same seed gives the same order: tests and replays are deterministic
        assertThat(hosts(mx(AddressFamilies.IPV4_ONLY).route("equal.example.test")).hosts())
                .isEqualTo(hosts(mx(AddressFamilies.IPV4_ONLY).route("equal.example.test")).hosts());
    }

    @Test
    void noMxMeansTheDomainIsItsOwnImplicitMx() throws Exception {
        Route.Hosts route = hosts(mx(AddressFamilies.IPV6_FIRST).route("implicit.example.test"));
        assertThat(route.implicitMx()).isTrue();
        assertThat(route.hosts()).singleElement().satisfies(h -> {
            assertThat(h.name()).isEqualTo("implicit.example.test");
            assertThat(h.addresses()).containsExactly(ip("2001:db8::40"), ip("192.0.2.40"));
        });
    }

    @Test
    void nullMxIsAPermanentFailure() {
        assertThat(mx(AddressFamilies.IPV6_FIRST).route("nullmx.example.test"))
                .isInstanceOfSatisfying(Route.PermanentFailure.class, f -> assertThat(f.status()).isEqualTo("5.1.10"));
    }

    @Test
    void nonexistentDomainsAndDomainsWithoutAddressesArePermanent() {
        assertThat(mx(AddressFamilies.IPV6_FIRST).route("missing.example.test"))
                .isInstanceOfSatisfying(Route.PermanentFailure.class, f -> assertThat(f.status()).isEqualTo("5.1.2"));
        assertThat(mx(AddressFamilies.IPV6_FIRST).route("nothing.example.test"))
                .isInstanceOfSatisfying(Route.PermanentFailure.class, f -> assertThat(f.status()).isEqualTo("5.4.4"));
        assertThat(mx(AddressFamilies.IPV6_FIRST).route("noaddr.example.test"))
                .isInstanceOfSatisfying(Route.PermanentFailure.class, f -> assertThat(f.reason()).contains("ghost.example.test"));
    }

    @Test
    void dnsFailuresAreTemporary() {
        assertThat(mx(AddressFamilies.IPV6_FIRST).route("failing.example.test"))
                .isInstanceOfSatisfying(Route.TemporaryFailure.class, f -> assertThat(f.status()).startsWith("4."));
        assertThat(mx(AddressFamilies.IPV6_FIRST).route("allbroken.example.test"))
                .isInstanceOf(Route.TemporaryFailure.class);
        // one host failing does not stop the others
        Route.Hosts partly = hosts(mx(AddressFamilies.IPV6_FIRST).route("broken-host.example.test"));
        assertThat(partly.hosts().getFirst().problem()).hasValueSatisfying(p -> assertThat(p).contains("lookup failed"));
        assertThat(partly.usable()).extracting(RouteHost::name).containsExactly("primary.example.test");
    }

    @Test
    void ipAddressAsMxTargetIsRefusedAliasIsTolerated() {
        Route.Hosts literal = hosts(mx(AddressFamilies.IPV4_ONLY).route("literal.example.test"));
        assertThat(literal.hosts().getFirst().problem()).hasValueSatisfying(p -> assertThat(p).contains("IP address"));
        assertThat(literal.usable()).extracting(RouteHost::name).containsExactly("primary.example.test");
        Route.Hosts alias = hosts(mx(AddressFamilies.IPV4_ONLY).route("alias.example.test"));
        assertThat(alias.usable()).singleElement().satisfies(h -> assertThat(h.name()).isEqualTo("mxalias.example.test"));
    }

    @Test
    void ownHostnameCutsTheMxListBelowItself() {
        Route.Hosts route = hosts(mx(AddressFamilies.IPV4_ONLY).route("selfmx.example.test"));
        assertThat(route.hosts()).extracting(RouteHost::name).containsExactly("primary.example.test");
        assertThat(mx(AddressFamilies.IPV4_ONLY).route("selfbest.example.test"))
                .isInstanceOfSatisfying(Route.PermanentFailure.class, f -> assertThat(f.status()).isEqualTo("5.4.6"));
    }

    @Test
    void addressLiteralNeedsNoDns() throws Exception {
        int before = dns.queries();
        Route.Hosts route = hosts(mx(AddressFamilies.IPV6_FIRST).route("[192.0.2.9]"));
        assertThat(route.hosts().getFirst().addresses()).containsExactly(ip("192.0.2.9"));
        assertThat(hosts(mx(AddressFamilies.IPV6_FIRST).route("[IPv6:2001:db8::9]")).hosts().getFirst().addresses())
                .containsExactly(ip("2001:db8::9"));
        assertThat(dns.queries()).isEqualTo(before);
        assertThat(mx(AddressFamilies.IPV6_FIRST).route("[not.an.address]")).isInstanceOf(Route.PermanentFailure.class);
    }

    @Test
    void smarthostRoutes() throws Exception {
        Credentials credentials = new Credentials("relay-user", "relay-secret");
        Route.Hosts byName = hosts(mx(AddressFamilies.IPV4_ONLY).smarthost(
                new Smarthost("relay.example.test", 465, Endpoint.Security.IMPLICIT_TLS, Optional.of(credentials))));
        assertThat(byName.port()).isEqualTo(465);
        assertThat(byName.security()).isEqualTo(Endpoint.Security.IMPLICIT_TLS);
        assertThat(byName.credentials()).contains(credentials);
        assertThat(byName.hosts().getFirst().addresses()).containsExactly(ip("192.0.2.77"));
        assertThat(credentials.toString()).doesNotContain("relay-secret");

        Route.Hosts byAddress = hosts(mx(AddressFamilies.IPV4_ONLY).smarthost(
                new Smarthost("127.0.0.1", 587, Endpoint.Security.STARTTLS, Optional.empty())));
        assertThat(byAddress.hosts().getFirst().addresses()).containsExactly(ip("127.0.0.1"));
        // a smarthost that does not resolve is our configuration's fault: never a bounce
        assertThat(mx(AddressFamilies.IPV4_ONLY).smarthost(
                new Smarthost("gone.example.test", 587, Endpoint.Security.STARTTLS, Optional.empty())))
                .isInstanceOf(Route.TemporaryFailure.class);
    }

    /** DNSSEC statuses are carried through per answer (DANE needs them), here from a scripted resolver. */
    @Test
    void dnssecStatusOfEachAnswerIsKept() throws Exception {
        InetAddress v4 = ip("192.0.2.1");
        DnsResolver signed = new DnsResolver() {
            @Override
            public Lookup<List<String>> txt(String name) {
                return new Lookup.NoRecords<>(DnssecStatus.SECURE);
            }

            @Override
            public Lookup<List<InetAddress>> a(String name) {
                return new Lookup.Found<>(List.of(v4), name.startsWith("secure") ? DnssecStatus.SECURE : DnssecStatus.INSECURE);
            }

            @Override
            public Lookup<List<InetAddress>> aaaa(String name) {
                return new Lookup.NoRecords<>(DnssecStatus.SECURE);
            }

            @Override
            public Lookup<List<MxRecord>> mx(String name) {
                return new Lookup.Found<>(List.of(new MxRecord(10, "secure.mx.test"), new MxRecord(20, "plain.mx.test")),
                        DnssecStatus.SECURE);
            }

            @Override
            public Lookup<List<String>> ptr(InetAddress address) {
                return new Lookup.NoRecords<>(DnssecStatus.SECURE);
            }
        };
        Route.Hosts route = hosts(new MxResolver(signed, RoutingSettings.defaults(Set.of()), new Random(0)).route("signed.test"));
        assertThat(route.mxDnssec()).isEqualTo(DnssecStatus.SECURE);
        assertThat(route.hosts().get(0).addressesSecure()).isTrue();
        assertThat(route.hosts().get(1).addressesSecure()).isFalse();
        assertThat(route.hosts().get(1).ipv4Dnssec()).contains(DnssecStatus.INSECURE);
        assertThat(route.hosts().get(1).ipv6Dnssec()).contains(DnssecStatus.SECURE);
    }
}
