package org.bastionmail.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MacroStringTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);

    private static Evaluation evaluation(String ip, String local, String domain) {
        return new Evaluation(new ZoneResolver(), SpfSettings.defaults("mx.receiver.example"), CLOCK,
                InetAddress.ofLiteral(ip), local + "@" + domain, local, domain, "helo.example.org");
    }

    private static String expand(String macro, String ip) throws Exception {
        Evaluation e = evaluation(ip, "strong-bad", "email.example.com");
        return e.expandDomain(MacroString.parse(macro, MacroString.Use.DOMAIN), "email.example.com");
    }

    // RFC 7208 7.4: the examples, sender strong-bad@email.example.com from 192.0.2.3
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "%{s}|strong-bad@email.example.com",
            "%{o}|email.example.com",
            "%{d}|email.example.com",
            "%{d4}|email.example.com",
            "%{d3}|email.example.com",
            "%{d2}|example.com",
            "%{d1}|com",
            "%{dr}|com.example.email",
            "%{d2r}|example.email",
            "%{l}|strong-bad",
            "%{l-}|strong.bad",
            "%{lr}|strong-bad",
            "%{lr-}|bad.strong",
            "%{l1r-}|strong",
            "%{ir}.%{v}._spf.%{d2}|3.2.0.192.in-addr._spf.example.com",
            "%{lr-}.lp._spf.%{d2}|bad.strong.lp._spf.example.com",
            "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}|bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
            "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}|3.2.0.192.in-addr.strong.lp._spf.example.com",
            "%{d2}.trusted-domains.example.net|example.com.trusted-domains.example.net",
    })
    void rfcExamplesIpv4(String macro, String expected) throws Exception {
        assertThat(expand(macro, "192.0.2.3")).isEqualTo(expected);
    }

    @Test
    void rfcExampleIpv6() throws Exception {
        // RFC 7208 7.4 (shown in lower case there; DNS names ignore case)
        assertThat(expand("%{ir}.%{v}._spf.%{d2}", "2001:db8::cb01")).isEqualToIgnoringCase(
                "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
    }

    @Test
    void explanationLettersAndEscapes() throws Exception {
        Evaluation e = evaluation("2001:db8::1", "~jack&jill=up", "é.example");
        MacroString text = MacroString.parse("%{c} %{r} %{t} %{L} %{O} %% %_ %-", MacroString.Use.EXPLANATION);
        assertThat(text.expand(letter -> e.macroValue(letter, "é.example")))
                .isEqualTo("2001:db8::1 mx.receiver.example 1700000000 ~jack%26jill%3Dup %C3%A9.example %   %20");
    }

    @Test
    void multipleDelimitersAndLargeDigits() throws Exception {
        Evaluation e = evaluation("192.0.2.3", "foo-bar+zip+quux", "example.com");
        MacroString m = MacroString.parse("%{l2r+-}.%{d99999999999999999999}", MacroString.Use.DOMAIN);
        assertThat(m.expand(letter -> e.macroValue(letter, "example.com"))).isEqualTo("bar.foo.example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "abc%", "%{", "%{d", "%{}", "%{x}", "%{d0}", "%{d2x}", "%(ir)", "%a", "%{c}",
            "%{r}", "%{t}", "%{\u00e9}", "a b", "tab\there", "nul\u0000", "%{d-1}"})
    void badDomainMacrosAreSyntaxErrors(String text) {
        assertThatThrownBy(() -> MacroString.parse(text, MacroString.Use.DOMAIN))
                .isInstanceOf(SpfSyntaxException.class);
    }

    @Test
    void explanationsAllowSpacesButNotNonAscii() throws Exception {
        assertThat(MacroString.parse("See %{d} now", MacroString.Use.EXPLANATION).parts()).hasSize(3);
        assertThatThrownBy(() -> MacroString.parse("\u00efExplanation", MacroString.Use.EXPLANATION))
                .isInstanceOf(SpfSyntaxException.class);
    }

    @Test
    void hugeInputsAreBounded() throws Exception {
        assertThatThrownBy(() -> MacroString.parse("a".repeat(MacroString.MAX_EXPANSION + 1), MacroString.Use.DOMAIN))
                .isInstanceOf(SpfSyntaxException.class);
        // 2000 copies of a 500-character sender would be a megabyte: the expansion stops early
        Evaluation e = evaluation("192.0.2.3", "x".repeat(500), "example.com");
        MacroString blowup = MacroString.parse("%{s}".repeat(2000), MacroString.Use.DOMAIN);
        assertThatThrownBy(() -> blowup.expand(letter -> e.macroValue(letter, "example.com")))
                .isInstanceOf(SpfAbort.class)
                .satisfies(t -> assertThat(((SpfAbort) t).verdict()).isEqualTo(SpfVerdict.PERMERROR));
    }

    @Test
    void longExpandedNamesAreTruncatedOnTheLeft() {
        String name = "a".repeat(60) + "." + "b".repeat(60) + "." + "c".repeat(60) + "." + "d".repeat(60)
                + ".example.com";
        String truncated = DomainNames.truncate(name);
        assertThat(truncated).hasSizeLessThanOrEqualTo(253).endsWith(".example.com").startsWith("b");
        assertThat(DomainNames.truncate("x".repeat(300))).hasSize(300); // one label: nothing to remove
    }

    @Test
    void readableIpv6FollowsRfc5952() {
        assertThat(Network.readable(InetAddress.ofLiteral("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(Network.readable(InetAddress.ofLiteral("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(Network.readable(InetAddress.ofLiteral("::"))).isEqualTo("::");
        assertThat(Network.readable(InetAddress.ofLiteral("::1"))).isEqualTo("::1");
        assertThat(Network.readable(InetAddress.ofLiteral("fe80::"))).isEqualTo("fe80::");
    }
}
