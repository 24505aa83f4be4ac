package org.bastionmail.iprev;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IprevVerifierTest {
    private static InetAddress ip(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    @Test
    void passWhenAPtrNameResolvesBack() {
        FakeDns dns = new FakeDns().ptr("192.0.2.1", "mail.example.test.").address("mail.example.test", "192.0.2.1");
        IprevResult result = new IprevVerifier(dns).check(ip("192.0.2.1"));
        assertThat(result.verdict()).isEqualTo(IprevVerdict.PASS);
        assertThat(result.name()).contains("mail.example.test");
        assertThat(result.clientIp()).isEqualTo(ip("192.0.2.1"));
    }

    @Test
    void theSecondNameMayBeTheOneThatMatches() {
        FakeDns dns = new FakeDns().ptr("192.0.2.1", "liar.example.test", "Real.Example.Test")
                .address("liar.example.test", "198.51.100.9").address("real.example.test", "192.0.2.1");
        IprevResult result = new IprevVerifier(dns).check(ip("192.0.2.1"));
        assertThat(result.verdict()).isEqualTo(IprevVerdict.PASS);
        assertThat(result.name()).contains("real.example.test");
    }

    @Test
    void failWhenNoNameResolvesBack() {
        FakeDns dns = new FakeDns().ptr("192.0.2.1", "forged.example.test", "gone.example.test")
                .address("forged.example.test", "198.51.100.9");
        IprevResult result = new IprevVerifier(dns).check(ip("192.0.2.1"));
        assertThat(result.verdict()).isEqualTo(IprevVerdict.FAIL);
        assertThat(result.name()).isEmpty();
        assertThat(result.ptrNames()).containsExactly("forged.example.test", "gone.example.test");
    }

    @Test
    void permerrorWithoutPtr() {
        IprevResult result = new IprevVerifier(new FakeDns()).check(ip("192.0.2.7"));
        assertThat(result.verdict()).isEqualTo(IprevVerdict.PERMERROR);
    }

    @Test
    void temperrorWhenThePtrLookupFails() {
        FakeDns dns = new FakeDns().failing("192.0.2.1");
        assertThat(new IprevVerifier(dns).check(ip("192.0.2.1")).verdict()).isEqualTo(IprevVerdict.TEMPERROR);
    }

    @Test
    void temperrorWhenAForwardLookupFailsAndNoOtherMatches() {
        FakeDns dns = new FakeDns().ptr("192.0.2.1", "other.example.test", "slow.example.test")
                .address("other.example.test", "198.51.100.1").failing("slow.example.test");
        assertThat(new IprevVerifier(dns).check(ip("192.0.2.1")).verdict()).isEqualTo(IprevVerdict.TEMPERROR);
    }

    @Test
    void aMatchWinsOverAFailedLookup() {
        FakeDns dns = new FakeDns().ptr("192.0.2.1", "slow.example.test", "ok.example.test")
                .failing("slow.example.test").address("ok.example.test", "192.0.2.1");
        assertThat(new IprevVerifier(dns).check(ip("192.0.2.1")).verdict()).isEqualTo(IprevVerdict.PASS);
    }

    @Test
    void ipv6AsksForAaaaAndIpv4MappedIsTreatedAsIpv4() {
        FakeDns dns = new FakeDns().ptr("2001:db8::25", "v6.example.test").address("v6.example.test", "192.0.2.1", "2001:db8::25")
                .ptr("192.0.2.1", "v4.example.test").address("v4.example.test", "192.0.2.1");
        assertThat(new IprevVerifier(dns).check(ip("2001:db8::25")).verdict()).isEqualTo(IprevVerdict.PASS);
        assertThat(dns.asked).contains("AAAA v6.example.test").doesNotContain("A v6.example.test");

        IprevResult mapped = new IprevVerifier(dns).check(ip("::ffff:192.0.2.1"));
        assertThat(mapped.verdict()).isEqualTo(IprevVerdict.PASS);
        assertThat(mapped.clientIp()).isEqualTo(ip("192.0.2.1"));
    }

    @Test
    void anAddressOfTheOtherFamilyDoesNotCount() {
        FakeDns dns = new FakeDns().ptr("2001:db8::25", "v6.example.test").address("v6.example.test", "192.0.2.1");
        assertThat(new IprevVerifier(dns).check(ip("2001:db8::25")).verdict()).isEqualTo(IprevVerdict.FAIL);
    }

    @Test
    void atMostTenNamesAreLookedUp() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            names.add("n" + i + ".example.test");
        }
        FakeDns dns = new FakeDns().ptr("192.0.2.1", names.toArray(String[]::new)).address("n20.example.test", "192.0.2.1");
        IprevResult result = new IprevVerifier(dns).check(ip("192.0.2.1"));
        assertThat(result.verdict()).isEqualTo(IprevVerdict.FAIL);
        assertThat(result.reason()).contains("only the first 10 of 50");
        assertThat(dns.asked.stream().filter(q -> q.startsWith("A "))).hasSize(IprevVerifier.MAX_NAMES);
    }

    @Test
    void hostilePtrNamesAreNeitherQueriedNorPrintedRaw() {
        FakeDns dns = new FakeDns().ptr("192.0.2.1", "evil\r\nX-Injected: yes.example.test", "a..b", "");
        IprevResult result = new IprevVerifier(dns).check(ip("192.0.2.1"));
        assertThat(result.verdict()).isEqualTo(IprevVerdict.FAIL);
        assertThat(dns.asked).containsExactly("PTR 192.0.2.1");
        assertThat(String.join(" ", result.ptrNames()) + result.reason()).doesNotContain("\r", "\n");
    }

    @Test
    void aVerifiedNameGoesOnlyWithPass() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new IprevResult(IprevVerdict.FAIL, ip("192.0.2.1"),
                Optional.of("x.test"), List.of(), "")).isInstanceOf(IllegalArgumentException.class);
    }
}
