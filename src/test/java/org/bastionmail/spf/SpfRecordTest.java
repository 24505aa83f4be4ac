package org.bastionmail.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpfRecordTest {
    @Test
    void parsesEveryMechanismAndModifier() throws Exception {
        SpfRecord r = SpfRecord.parse("v=spf1 +all -include:_spf.example.com ~A:Example.COM/24//64 ?mx//0 ptr "
                + "ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{ir}.bl.example.org redirect=other.example "
                + "exp=why.example Unknown-mod=%{d}");
        assertThat(r.mechanisms()).hasSize(8);
        assertThat(r.mechanisms().get(0)).isInstanceOf(Mechanism.All.class);
        assertThat(r.mechanisms().get(1).qualifier()).isEqualTo(Qualifier.FAIL);
        Mechanism.A a = (Mechanism.A) r.mechanisms().get(2);
        assertThat(a.qualifier()).isEqualTo(Qualifier.SOFTFAIL);
        assertThat(a.domain().orElseThrow().text()).isEqualTo("Example.COM");
        assertThat(a.cidr4()).isEqualTo(24);
        assertThat(a.cidr6()).isEqualTo(64);
        Mechanism.Mx mx = (Mechanism.Mx) r.mechanisms().get(3);
        assertThat(mx.domain()).isEmpty();
        assertThat(mx.cidr4()).isEqualTo(32);
        assertThat(mx.cidr6()).isZero();
        Mechanism.Ip ip4 = (Mechanism.Ip) r.mechanisms().get(5);
        assertThat(ip4.network().contains(InetAddress.ofLiteral("192.0.2.77"))).isTrue();
        assertThat(ip4.network().contains(InetAddress.ofLiteral("192.0.3.1"))).isFalse();
        Mechanism.Ip ip6 = (Mechanism.Ip) r.mechanisms().get(6);
        assertThat(ip6.network().contains(InetAddress.ofLiteral("2001:db8:ffff::1"))).isTrue();
        assertThat(ip6.network().contains(InetAddress.ofLiteral("192.0.2.77"))).isFalse();
        assertThat(r.redirect().orElseThrow().text()).isEqualTo("other.example");
        assertThat(r.explanation().orElseThrow().text()).isEqualTo("why.example");
    }

    @Test
    void emptyRecordAndSpacing() throws Exception {
        assertThat(SpfRecord.parse("v=spf1").mechanisms()).isEmpty();
        assertThat(SpfRecord.parse("V=SPF1   a    -all   ").mechanisms()).hasSize(2);
        assertThat(SpfRecord.isSpfRecord("v=spf10")).isFalse();
        assertThat(SpfRecord.isSpfRecord("v=spf1mx")).isFalse();
        assertThat(SpfRecord.isSpfRecord(" v=spf1")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // bad CIDR lengths (RFC 7208 5.6)
            "a/33", "a//129", "a/032", "a/", "a//", "a/-1", "a/24/64", "mx/99999999999999999999",
            "ip4:1.2.3.4/33", "ip4:1.2.3.4//32", "ip4:1.2.3.4/", "ip6:::1/129", "ip6:::1//64", "ptr/0",
            "include:example.com/24", "exists:example.com/24", "all/8",
            // bad networks
            "ip4:256.1.1.1", "ip4:01.2.3.4", "ip4:1.2.3", "ip4:1.2.3.4:8080", "ip4:", "ip4", "ip6",
            "ip6:1:2:3:4:5:6:7:8:9", "ip6:[::1]", "ip6:fe80::1%eth0", "ip6::CAFE::BABE", "ip6:localhost",
            // bad domains (RFC 7208 7.1)
            "a:", "a:museum", "a:museum.", "a:abc.123", "a:example.-com", "a:example.com:8080", "include",
            "include:", "exists", "exists:", "ptr:", "mx:foo%", "a:%{z}.example.com", "exists:%{c}.example.com",
            // bad terms and modifiers
            "moo", "all.", "all:x", "1up=foo", "=all", "redirect:x.example.com", "redirect=", "exp=",
            "redirect=-all", "exp=a.example exp=b.example", "redirect=a.example redirect=b.example",
            "foo=%abc", "-exp=a.example", "moo.cow/far_out=man:dog/cat",
    })
    void syntaxErrors(String terms) {
        assertThatThrownBy(() -> SpfRecord.parse("v=spf1 " + terms)).isInstanceOf(SpfSyntaxException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v=spf1 a:foo.example.com\u0000", "v=spf1 a:ex.com\rptr", "v=spf1 ip4:1.2.3.4\n -all",
            "v=spf1 \u0080a", "v=spf1 a:\u00ef\u00bb\u00bfgarbage.example.net", "v=spf1\t-all"})
    void controlAndNonAsciiCharactersAreRefused(String record) {
        assertThatThrownBy(() -> SpfRecord.parse(record)).isInstanceOf(SpfSyntaxException.class);
    }

    @Test
    void hugeRecordsAreRefusedAndLargeOnesStayLinear() throws Exception {
        assertThatThrownBy(() -> SpfRecord.parse("v=spf1 " + "a ".repeat(SpfRecord.MAX_LENGTH)))
                .isInstanceOf(SpfSyntaxException.class);
        assertThatThrownBy(() -> SpfRecord.parse("v=spf1 a:" + "x".repeat(SpfRecord.MAX_LENGTH)))
                .isInstanceOf(SpfSyntaxException.class);
        // many slashes: the CIDR split looks at the end only
        assertThatThrownBy(() -> SpfRecord.parse("v=spf1 a:" + "/".repeat(8000)))
                .isInstanceOf(SpfSyntaxException.class);
        assertThat(SpfRecord.parse("v=spf1 " + "ip4:192.0.2.1 ".repeat(500)).mechanisms()).hasSize(500);
    }

    @Test
    void domainSpecMayEndWithAMacroOrAToplabel() throws Exception {
        assertThat(SpfRecord.parse("v=spf1 a:%{d} a:%{d}.x a:foo.xn--zckzah a:o.example.com. a:x%% "
                + "a:foo:bar/baz.example.com").mechanisms()).hasSize(6);
    }
}
