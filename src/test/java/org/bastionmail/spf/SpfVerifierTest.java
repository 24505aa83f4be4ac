package org.bastionmail.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

import org.bastionmail.dns.DnsResolver.MxRecord;
import org.junit.jupiter.api.Test;

class SpfVerifierTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final InetAddress CLIENT = InetAddress.ofLiteral("192.0.2.10");

    private final ZoneResolver zone = new ZoneResolver();
    private final SpfVerifier verifier = new SpfVerifier(zone, CLOCK, "mx.receiver.example");

    @Test
    void passFailAndTheExplanation() {
        zone.add("example.com", "TXT", "v=spf1 ip4:192.0.2.0/24 -all exp=why.example.com")
                .add("example.com", "TXT", "unrelated text")
                .add("why.example.com", "TXT", "%{i} may not send for %{d} (%{l})");
        SpfResult pass = verifier.checkMailFrom(CLIENT, "alice@example.com", "client.example.net");
        assertThat(pass.verdict()).isEqualTo(SpfVerdict.PASS);
        assertThat(pass.explanation()).isEmpty();
        assertThat(pass.mechanism()).contains("ip4:192.0.2.0/24");
        assertThat(pass.lookups()).containsExactly(
                "TXT example.com -> \"v=spf1 ip4:192.0.2.0/24 -all exp=why.example.com\" \"unrelated text\"");

        SpfResult fail = verifier.checkMailFrom(InetAddress.ofLiteral("198.51.100.7"), "alice@example.com", "x.example");
        assertThat(fail.verdict()).isEqualTo(SpfVerdict.FAIL);
        assertThat(fail.verdict().label()).isEqualTo("fail");
        assertThat(fail.explanation()).contains("198.51.100.7 may not send for example.com (alice)");
        assertThat(fail.reason()).contains("-all", "example.com");
        assertThat(fail.lookups()).hasSize(2);
    }

    @Test
    void defaultExplanationWhenNoExp() {
        zone.add("example.com", "TXT", "v=spf1 -all");
        SpfResult fail = verifier.checkMailFrom(CLIENT, "bob@example.com", "x.example");
        assertThat(fail.explanation()).contains("example.com has not authorized 192.0.2.10 to send mail for "
                + "bob@example.com");
    }

    @Test
    void nullSenderChecksPostmasterAtHelo() {
        zone.add("helo.example.net", "TXT", "v=spf1 exists:%{l}.%{d}.ok.example -all")
                .add("postmaster.helo.example.net.ok.example", "A", "127.0.0.2");
        SpfResult result = verifier.checkMailFrom(CLIENT, "", "helo.example.net");
        assertThat(result.verdict()).isEqualTo(SpfVerdict.PASS);
        assertThat(result.sender()).isEqualTo("postmaster@helo.example.net");
        assertThat(result.identity()).isEqualTo(SpfIdentity.MAILFROM);
    }

    @Test
    void heloIdentity() {
        zone.add("helo.example.net", "TXT", "v=spf1 a -all").add("helo.example.net", "A", "192.0.2.10");
        SpfResult result = verifier.checkHelo(CLIENT, "helo.example.net");
        assertThat(result.verdict()).isEqualTo(SpfVerdict.PASS);
        assertThat(result.identity()).isEqualTo(SpfIdentity.HELO);
        // RFC 7208 2.3: address literals and bare names are not checked, and cause no lookup
        assertThat(verifier.checkHelo(CLIENT, "[192.0.2.10]").verdict()).isEqualTo(SpfVerdict.NONE);
        assertThat(verifier.checkHelo(CLIENT, "OEMCOMPUTER").verdict()).isEqualTo(SpfVerdict.NONE);
        assertThat(verifier.checkHelo(CLIENT, "192.0.2.10").verdict()).isEqualTo(SpfVerdict.NONE);
        assertThat(verifier.checkHelo(CLIENT, "x".repeat(64) + ".example").verdict()).isEqualTo(SpfVerdict.NONE);
        assertThat(zone.queries()).containsExactly("TXT helo.example.net", "A helo.example.net");
    }

    @Test
    void ipv4MappedClientIsIpv4() {
        zone.add("example.com", "TXT", "v=spf1 ip6:::ffff:0:0/96 ip4:192.0.2.10 -all");
        SpfResult result = verifier.checkMailFrom(InetAddress.ofLiteral("::ffff:192.0.2.10"), "a@example.com", "h.example");
        assertThat(result.verdict()).isEqualTo(SpfVerdict.PASS);
        assertThat(result.mechanism()).contains("ip4:192.0.2.10");
        assertThat(result.clientIp()).isEqualTo(InetAddress.ofLiteral("192.0.2.10"));
    }

    @Test
    void dnsFailureIsTemperror() {
        zone.timeout("example.com");
        SpfResult result = verifier.checkMailFrom(CLIENT, "a@example.com", "h.example");
        assertThat(result.verdict()).isEqualTo(SpfVerdict.TEMPERROR);
        assertThat(result.reason()).contains("timeout");
    }

    @Test
    void includeLoopStopsAtTheLookupLimit() {
        zone.add("a.example", "TXT", "v=spf1 include:b.example -all")
                .add("b.example", "TXT", "v=spf1 include:a.example -all");
        SpfResult result = verifier.checkMailFrom(CLIENT, "x@a.example", "h.example");
        assertThat(result.verdict()).isEqualTo(SpfVerdict.PERMERROR);
        assertThat(result.reason()).contains("more than 10");
        assertThat(zone.queries()).hasSize(11); // the record and 10 includes
    }

    @Test
    void longIncludeChainIsBounded() {
        for (int i = 0; i < 100; i++) {
            zone.add("d" + i + ".example", "TXT", "v=spf1 include:d" + (i + 1) + ".example redirect=d" + (i + 2)
                    + ".example");
        }
        SpfResult result = verifier.checkMailFrom(CLIENT, "x@d0.example", "h.example");
        assertThat(result.verdict()).isEqualTo(SpfVerdict.PERMERROR);
        assertThat(zone.queries()).hasSizeLessThanOrEqualTo(11);
    }

    @Test
    void tooManyMxNamesIsPermerrorWithoutAddressLookups() {
        zone.add("example.com", "TXT", "v=spf1 mx -all");
        for (int i = 0; i < 500; i++) {
            zone.add("example.com", "MX", new MxRecord(i, "mx" + i + ".example.com"));
        }
        SpfResult result = verifier.checkMailFrom(CLIENT, "a@example.com", "h.example");
        assertThat(result.verdict()).isEqualTo(SpfVerdict.PERMERROR);
        assertThat(zone.queries()).containsExactly("TXT example.com", "MX example.com");
    }

    @Test
    void onlyTenPtrNamesAreValidated() {
        zone.add("example.com", "TXT", "v=spf1 ptr -all");
        for (int i = 0; i < 100; i++) {
            zone.add("10.2.0.192.in-addr.arpa", "PTR", "h" + i + ".example.com");
        }
        SpfResult result = verifier.checkMailFrom(CLIENT, "a@example.com", "h.example");
        assertThat(result.verdict()).isEqualTo(SpfVerdict.FAIL);
        assertThat(zone.queries()).hasSize(2 + 10);
    }

    @Test
    void voidLookupsAreLimitedToTwo() {
        zone.add("example.com", "TXT", "v=spf1 a:n1.example.com mx:n2.example.com exists:n3.example.com ?all");
        SpfResult result = verifier.checkMailFrom(CLIENT, "a@example.com", "h.example");
        assertThat(result.verdict()).isEqualTo(SpfVerdict.PERMERROR);
        assertThat(result.reason()).contains("void");
    }

    @Test
    void timeBudgetGivesTemperror() {
        Clock ticking = new Clock() {
            private Instant now = Instant.parse("2026-01-01T00:00:00Z");

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                now = now.plusSeconds(3); // every query appears to take three seconds
                return now;
            }
        };
        zone.add("example.com", "TXT", "v=spf1 a:a1.example.com a:a2.example.com include:i.example.com -all")
                .add("a1.example.com", "A", "192.0.2.99").add("a2.example.com", "A", "192.0.2.98")
                .add("i.example.com", "TXT", "v=spf1 a:a1.example.com a:a1.example.com a:a1.example.com "
                        + "a:a1.example.com a:a1.example.com a:a1.example.com -all");
        SpfSettings settings = new SpfSettings("mx.receiver.example", SpfSettings.DEFAULT_EXPLANATION, 10, 2,
                Duration.ofSeconds(20));
        SpfResult result = new SpfVerifier(zone, ticking, settings).checkMailFrom(CLIENT, "a@example.com", "h.example");
        assertThat(result.verdict()).isEqualTo(SpfVerdict.TEMPERROR);
        assertThat(result.reason()).contains("longer than");
    }

    @Test
    void receivedSpfHeader() {
        zone.add("example.com", "TXT", "v=spf1 ip4:192.0.2.0/24 -all");
        SpfResult pass = verifier.checkMailFrom(CLIENT, "alice@example.com", "client.example.net");
        assertThat(ReceivedSpf.value(pass, "mx.receiver.example")).isEqualTo(
                "pass (mx.receiver.example: domain of alice@example.com designates 192.0.2.10 as permitted sender)"
                        + " client-ip=192.0.2.10; envelope-from=\"alice@example.com\"; helo=client.example.net;"
                        + " receiver=mx.receiver.example; identity=mailfrom; mechanism=\"ip4:192.0.2.0/24\"");

        SpfResult hostile = verifier.checkMailFrom(InetAddress.ofLiteral("2001:db8::1"),
                "\"evil\\\"(x)\r\nX-Injected: 1\"@example.com", "bad helo\r\n");
        String value = ReceivedSpf.value(hostile, "mx.receiver.example");
        assertThat(value).doesNotContain("\r", "\n").startsWith("fail (");
        assertThat(value).contains("client-ip=\"2001:db8::1\"", "helo=\"bad helo??\"", "\\(x\\)");
    }

    @Test
    void reasonsStayPrintable() {
        zone.add("example.com", "TXT", "v=spf1 redirect=%{l}.example.com");
        SpfResult result = verifier.checkMailFrom(CLIENT, "a\r\nb\u0000@example.com", "h.example");
        assertThat(result.verdict()).isEqualTo(SpfVerdict.PERMERROR);
        assertThat(result.reason()).contains("a??b?.example.com").doesNotContain("\r", "\n", "\u0000");
        assertThat(zone.queries()).containsExactly("TXT example.com"); // no query for a name with CR LF NUL
    }

    @Test
    void permerrorHeaderNamesTheProblem() {
        zone.add("example.com", "TXT", "v=spf1 a:museum -all");
        SpfResult result = verifier.checkMailFrom(CLIENT, "a@example.com", "h.example");
        assertThat(result.verdict()).isEqualTo(SpfVerdict.PERMERROR);
        assertThat(result.explanation()).isEqualTo(Optional.empty());
        assertThat(ReceivedSpf.value(result, "mx.receiver.example")).contains("problem=\"syntax error");
    }
}
