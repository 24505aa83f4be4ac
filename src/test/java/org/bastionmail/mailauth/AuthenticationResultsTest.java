package org.bastionmail.mailauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bastionmail.mailauth.Results.dkim;
import static org.bastionmail.mailauth.Results.dmarcFail;
import static org.bastionmail.mailauth.Results.dmarcPass;
import static org.bastionmail.mailauth.Results.findings;
import static org.bastionmail.mailauth.Results.iprev;
import static org.bastionmail.mailauth.Results.spf;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.bastionmail.dkim.DkimResult;
import org.bastionmail.dkim.DkimVerdict;
import org.bastionmail.dmarc.DmarcRecord;
import org.bastionmail.iprev.IprevResult;
import org.bastionmail.iprev.IprevVerdict;
import org.bastionmail.spf.SpfVerdict;
import org.junit.jupiter.api.Test;

class AuthenticationResultsTest {
    private static void assertWellFormed(String field) {
        assertThat(field).startsWith("Authentication-Results: ").endsWith("\r\n");
        String body = field.substring(0, field.length() - 2);
        // every line break is a fold: CRLF followed by a tab; no bare CR or LF anywhere
        assertThat(body.replace("\r\n\t", "")).doesNotContain("\r", "\n");
        for (String line : body.split("\r\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(78);
            assertThat(line).doesNotEndWith(" ");
        }
        assertThat(field.chars()).allMatch(c -> c == '\r' || c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f));
    }

    @Test
    void everyMethodWithItsProperties() {
        AuthFindings findings = new AuthFindings(spf(SpfVerdict.PASS, "alice@example.com"),
                Optional.of(Results.helo(SpfVerdict.NEUTRAL, "mail.example.com")),
                List.of(dkim(DkimVerdict.PASS, "example.com"), dkim(DkimVerdict.FAIL, "other.example")),
                Optional.of("Example.COM"), Optional.of(dmarcPass("example.com", DmarcRecord.Policy.REJECT)),
                Optional.of(iprev(IprevVerdict.PASS)));
        String field = AuthenticationResults.field("mx.example.org", findings);
        assertWellFormed(field);
        assertThat(field).isEqualTo("Authentication-Results: mx.example.org;\r\n"
                + "\tspf=pass smtp.mailfrom=alice@example.com (ip4:192.0.2.0/24 matched);\r\n"
                + "\tspf=neutral smtp.helo=mail.example.com (helo neutral);\r\n"
                + "\tdkim=pass header.d=example.com header.s=sel header.a=ed25519-sha256;\r\n"
                + "\tdkim=fail (signature did not verify) header.d=other.example header.s=sel\r\n"
                + "\theader.a=ed25519-sha256;\r\n"
                + "\tdmarc=pass (p=reject dis=none) header.from=example.com policy.dmarc=reject;\r\n"
                + "\tiprev=pass policy.iprev=192.0.2.1 (mail.example.com)\r\n");
    }

    @Test
    void dmarcFailureAndMissingPieces() {
        AuthFindings findings = findings(spf(SpfVerdict.FAIL, "bob@example.com"), List.of(Results.noDkim()),
                Optional.of(dmarcFail("example.com", DmarcRecord.Policy.QUARANTINE)), Optional.empty());
        String value = AuthenticationResults.value("mx.example.org", findings).replace("\r\n\t", " ");
        assertThat(value).contains("spf=fail smtp.mailfrom=bob@example.com (reason for fail)")
                .contains("dkim=none;")
                .contains("dmarc=fail (p=quarantine dis=quarantine) header.from=example.com policy.dmarc=quarantine")
                .doesNotContain("iprev");
    }

    @Test
    void valuesThatAreNotTokensAreQuotedAndIpv6Too() {
        IprevResult v6 = new IprevResult(IprevVerdict.FAIL, InetAddress.ofLiteral("2001:db8::1"), Optional.empty(),
                List.of(), "no PTR name resolves back");
        AuthFindings findings = new AuthFindings(spf(SpfVerdict.NONE, "\"odd local\"@example.com"),
                Optional.of(Results.helo(SpfVerdict.NONE, "[192.0.2.1]")), List.of(), Optional.empty(), Optional.empty(),
                Optional.of(v6));
        String value = AuthenticationResults.value("mx.example.org", findings).replace("\r\n\t", " ");
        assertThat(value).contains("smtp.mailfrom=\"\\\"odd local\\\"@example.com\"")
                .contains("smtp.helo=\"[192.0.2.1]\"")
                .contains("policy.iprev=\"2001:db8::1\"");
    }

    @Test
    void injectedLineBreaksAndResultsStayInsideQuotedValues() {
        DkimResult hostile = new DkimResult(DkimVerdict.PERMERROR, "evil.example; dkim=pass header.d=bank.example",
                "s\r\nX-Injected: yes", "rsa-sha256", "", Optional.of("bad (nested) comment \\ with ) close\r\nX-Evil: 1"),
                false, false);
        AuthFindings findings = new AuthFindings(spf(SpfVerdict.FAIL, "x\r\nAuthentication-Results: mx.example.org; spf=pass@example.com"),
                Optional.of(Results.helo(SpfVerdict.NONE, "helo\"; spf=pass")), List.of(hostile), Optional.empty(),
                Optional.empty(), Optional.empty());
        String field = AuthenticationResults.field("mx.example.org", findings);
        assertWellFormed(field);
        String unfolded = field.replace("\r\n\t", " ");
        assertThat(unfolded).contains("header.d=\"evil.example; dkim=pass header.d=bank.example\"")
                .contains("header.s=\"s??X-Injected: yes\"")
                .contains("smtp.helo=\"helo\\\"; spf=pass\"")
                .contains("(bad \\(nested\\) comment \\\\ with \\) close??X-Evil: 1)");
        // outside quoted-strings and comments, only the three real results remain
        assertThat(outsideQuotesAndComments(unfolded)).isEqualTo("Authentication-Results: mx.example.org; spf=fail "
                + "smtp.mailfrom= ; spf=none smtp.helo= ; dkim=permerror  header.d= header.s= header.a=rsa-sha256\r\n");
    }

    /** The text with quoted-strings and (nested) comments removed, as an RFC 8601 parser would see its structure. */
    private static String outsideQuotesAndComments(String text) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((quoted || depth > 0) && c == '\\') {
                i++;
            } else if (quoted) {
                quoted = c != '"';
            } else if (c == '(') {
                depth++;
            } else if (depth > 0) {
                depth -= c == ')' ? 1 : 0;
            } else if (c == '"') {
                quoted = true;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Test
    void longValuesAreBoundedAndStillFolded() {
        String sender = "a".repeat(5000) + "@example.com";
        AuthFindings findings = findings(spf(SpfVerdict.SOFTFAIL, sender), List.of(), Optional.empty(), Optional.empty());
        String field = AuthenticationResults.field("mx.example.org", findings);
        assertThat(field.length()).isLessThan(600);
        for (String line : field.split("\r\n")) {
            assertThat(line.length()).isLessThan(998);
        }
    }

    @Test
    void ourOwnFieldIsRecognisedAsOursWhenStripping() {
        AuthFindings findings = findings(spf(SpfVerdict.PASS, "a@example.com"), List.of(), Optional.empty(), Optional.empty());
        byte[] header = (AuthenticationResults.field("MX.example.org", findings) + "Subject: hi\r\n\r\n").getBytes();
        assertThat(new String(ForeignAuthenticationResults.strip(header, "mx.example.org"))).isEqualTo("Subject: hi\r\n\r\n");
    }

    @Test
    void ipv6IsWrittenCompressed() {
        assertThat(ResultSyntax.ip(InetAddress.ofLiteral("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(ResultSyntax.ip(InetAddress.ofLiteral("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(ResultSyntax.ip(InetAddress.ofLiteral("::1"))).isEqualTo("::1");
        assertThat(ResultSyntax.ip(InetAddress.ofLiteral("fe80::"))).isEqualTo("fe80::");
        assertThat(ResultSyntax.ip(InetAddress.ofLiteral("192.0.2.1"))).isEqualTo("192.0.2.1");
    }

    @Test
    void nothingCheckedIsNone() {
        assertThat(AuthenticationResults.fold("mx.example.org", List.of())).isEqualTo("mx.example.org; none");
    }
}
