package org.bastionmail.iprev;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
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
import org.xbill.DNS.ReverseMap;

/** iprev and the HELO check through the real resolver, against an authoritative server on loopback. */
class IprevOverDnsTest {
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";
    private static TestDnsServer server;
    private static DnsjavaResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        TestZone forward = TestZone.parse("example.test", SOA + """
                mail A 192.0.2.1
                mail AAAA 2001:db8::25
                liar A 198.51.100.1
                """);
        TestZone reverse4 = TestZone.parse("2.0.192.in-addr.arpa", SOA + """
                1 PTR mail.example.test.
                2 PTR liar.example.test.
                3 PTR slow.example.test.
                """);
        TestZone reverse6 = TestZone.parse("8.b.d.0.1.0.0.2.ip6.arpa", SOA
                + ReverseMap.fromAddress(InetAddress.ofLiteral("2001:db8::25")) + " PTR mail.example.test.\n");
        server = TestDnsServer.start(forward, reverse4, reverse6).drop("slow.example.test");
        resolver = DnsjavaResolver.create(new Config.Dns(List.of(server.address()), Duration.ofMillis(250),
                Optional.empty(), false));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void forwardConfirmedReverseDns() {
        IprevVerifier iprev = new IprevVerifier(resolver);
        IprevResult pass = iprev.check(InetAddress.ofLiteral("192.0.2.1"));
        assertThat(pass.verdict()).isEqualTo(IprevVerdict.PASS);
        assertThat(pass.name()).contains("mail.example.test");
        assertThat(iprev.check(InetAddress.ofLiteral("2001:db8::25")).verdict()).isEqualTo(IprevVerdict.PASS);
        assertThat(iprev.check(InetAddress.ofLiteral("192.0.2.2")).verdict()).isEqualTo(IprevVerdict.FAIL);
        assertThat(iprev.check(InetAddress.ofLiteral("192.0.2.9")).verdict()).isEqualTo(IprevVerdict.PERMERROR);
        assertThat(iprev.check(InetAddress.ofLiteral("192.0.2.3")).verdict()).isEqualTo(IprevVerdict.TEMPERROR);
    }

    @Test
    void heloName() {
        HeloCheck helo = new HeloCheck(resolver);
        assertThat(helo.check("mail.example.test", InetAddress.ofLiteral("192.0.2.1")).verdict()).isEqualTo(HeloVerdict.MATCH);
        assertThat(helo.check("liar.example.test", InetAddress.ofLiteral("192.0.2.1")).verdict()).isEqualTo(HeloVerdict.MISMATCH);
        assertThat(helo.check("none.example.test", InetAddress.ofLiteral("192.0.2.1")).verdict()).isEqualTo(HeloVerdict.NO_ADDRESS);
    }
}
