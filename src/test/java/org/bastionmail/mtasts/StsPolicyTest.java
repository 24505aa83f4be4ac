package org.bastionmail.mtasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StsPolicyTest {
    @Test
    void parsesTheRfcExampleWithCrlf() throws Exception {
        // RFC 8461 3.2, first example
        StsPolicy policy = StsPolicy.parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
                + "mx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n");
        assertThat(policy.mode()).isEqualTo(StsMode.ENFORCE);
        assertThat(policy.mx()).containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
        assertThat(policy.maxAge()).isEqualTo(Duration.ofDays(7));
        assertThat(policy.lines()).hasSize(6).first().isEqualTo("version: STSv1");
    }

    @Test
    void acceptsLfMixedLineEndsNoFinalTerminatorAndExtraWhitespace() throws Exception {
        StsPolicy policy = StsPolicy.parse("version: STSv1\nmode:testing\r\nmx:   mx.example.org  \nmax_age: 86400\nfoo: bar");
        assertThat(policy.mode()).isEqualTo(StsMode.TESTING);
        assertThat(policy.mx()).containsExactly("mx.example.org");
    }

    @Test
    void modeNoneNeedsNoMx() throws Exception {
        assertThat(StsPolicy.parse("version: STSv1\nmode: none\nmax_age: 86400\n").mode()).isEqualTo(StsMode.NONE);
    }

    @Test
    void capsMaxAgeAtOneYear() throws Exception {
        StsPolicy policy = StsPolicy.parse("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 9999999999\n");
        assertThat(policy.maxAge()).isEqualTo(StsPolicy.MAX_AGE_LIMIT);
    }

    @Test
    void firstOccurrenceOfASingleValuedFieldCounts() throws Exception {
        StsPolicy policy = StsPolicy.parse("version: STSv1\nmode: testing\nmode: enforce\nmx: a.example\nmax_age: 60\n");
        assertThat(policy.mode()).isEqualTo(StsMode.TESTING);
    }

    @Test
    void refusesHostilePolicies() {
        String ok = "mode: enforce\nmx: a.example\nmax_age: 60\n";
        assertThatThrownBy(() -> StsPolicy.parse(ok)).hasMessageContaining("version");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv2\n" + ok)).isInstanceOf(StsSyntaxException.class);
        assertThatThrownBy(() -> StsPolicy.parse("version: stsv1\n" + ok)).isInstanceOf(StsSyntaxException.class);
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 60\n"))
                .hasMessageContaining("mode");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\nmode: enforce\nmax_age: 60\n")).hasMessageContaining("mx");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\nmode: enforce\nmx: a.example\n")).hasMessageContaining("max_age");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n"))
                .hasMessageContaining("max_age");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 12345678901\n"))
                .hasMessageContaining("max_age");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\rmode: enforce\nmx: a.example\nmax_age: 60\n"))
                .hasMessageContaining("CR");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\n" + ok + "garbage line\n")).isInstanceOf(StsSyntaxException.class);
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\n" + ok + "mx: bad_host!.example\n")).hasMessageContaining("mx");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\n" + ok + "mx: a.*.example\n")).hasMessageContaining("mx");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\n" + ok + "mx: \u0000x\n")).isInstanceOf(StsSyntaxException.class);
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\n" + ok + "x".repeat(70_000))).hasMessageContaining("longer");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\n" + ok + "mx: a.example\n".repeat(101)))
                .hasMessageContaining("more than");
        assertThatThrownBy(() -> StsPolicy.parse("")).isInstanceOf(StsSyntaxException.class);
    }

    @Test
    void mxMatchingFollowsRfc8461Section41() throws Exception {
        StsPolicy policy = StsPolicy.parse("version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: 60\n");
        assertThat(policy.mxMatches("mail.example.com")).isTrue();
        assertThat(policy.mxMatches("MAIL.Example.COM.")).isTrue();
        assertThat(policy.mxMatches("mx1.example.net")).isTrue();
        // the wildcard stands for exactly one label
        assertThat(policy.mxMatches("example.net")).isFalse();
        assertThat(policy.mxMatches("a.b.example.net")).isFalse();
        assertThat(policy.mxMatches(".example.net")).isFalse();
        assertThat(policy.mxMatches("xexample.net")).isFalse();
        assertThat(policy.mxMatches("mail.example.com.evil")).isFalse();
        assertThat(policy.mxMatches("other.example.com")).isFalse();
        assertThat(policy.mxMatches("")).isFalse();
    }

    @Test
    void wildcardRulesShared() {
        assertThat(HostPattern.matches("*.com", "example.com")).isFalse();
        assertThat(HostPattern.matches("a*.example.com", "ab.example.com")).isFalse();
        assertThat(HostPattern.matches("*.*.example.com", "a.b.example.com")).isFalse();
        assertThat(HostPattern.matches("*.example.com", "a..example.com")).isFalse();
        assertThat(HostPattern.matches("*.example.com.", "mx.EXAMPLE.com")).isTrue();
    }
}
