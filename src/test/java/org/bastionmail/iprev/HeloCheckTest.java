package org.bastionmail.iprev;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeloCheckTest {
    private final FakeDns dns = new FakeDns()
            .address("mail.example.test", "192.0.2.1", "2001:db8::1")
            .address("other.example.test", "198.51.100.1")
            .address("v6only.example.test", "2001:db8::9")
            .failing("slow.example.test");
    private final HeloCheck check = new HeloCheck(dns);
    private static final InetAddress CLIENT = InetAddress.ofLiteral("192.0.2.1");

    private HeloVerdict verdict(String helo, String client) {
        return check.check(helo, InetAddress.ofLiteral(client)).verdict();
    }

    @Test
    void namesThatResolveToTheClient() {
        assertThat(verdict("mail.example.test", "192.0.2.1")).isEqualTo(HeloVerdict.MATCH);
        assertThat(verdict("MAIL.example.test.", "192.0.2.1")).isEqualTo(HeloVerdict.MATCH);
        assertThat(verdict("mail.example.test", "2001:db8::1")).isEqualTo(HeloVerdict.MATCH);
        assertThat(verdict("mail.example.test", "::ffff:192.0.2.1")).isEqualTo(HeloVerdict.MATCH);
    }

    @Test
    void namesThatDoNot() {
        assertThat(verdict("other.example.test", "192.0.2.1")).isEqualTo(HeloVerdict.MISMATCH);
        assertThat(verdict("v6only.example.test", "192.0.2.1")).isEqualTo(HeloVerdict.NO_ADDRESS);
        assertThat(verdict("nowhere.example.test", "192.0.2.1")).isEqualTo(HeloVerdict.NO_ADDRESS);
        assertThat(verdict("slow.example.test", "192.0.2.1")).isEqualTo(HeloVerdict.TEMPERROR);
    }

    @Test
    void addressLiterals() {
        assertThat(verdict("[192.0.2.1]", "192.0.2.1")).isEqualTo(HeloVerdict.MATCH);
        assertThat(verdict("[192.0.2.2]", "192.0.2.1")).isEqualTo(HeloVerdict.MISMATCH);
        assertThat(verdict("[IPv6:2001:db8::1]", "2001:db8::1")).isEqualTo(HeloVerdict.MATCH);
        assertThat(verdict("[ipv6:2001:DB8:0::1]", "2001:db8::1")).isEqualTo(HeloVerdict.MATCH);
        assertThat(verdict("[IPv6:::ffff:192.0.2.1]", "192.0.2.1")).isEqualTo(HeloVerdict.MATCH);
        assertThat(dns.asked).isEmpty(); // literals never cause DNS lookups
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "mail", "192.0.2.1", "[192.0.2.256]", "[010.0.2.1]", "[192.0.2]",
            "[IPv6:192.0.2.1]", "[IPv6:zz::1]", "[]", "[mail.example.test]", "-bad.example.test", "bad-.example.test",
            "under_score.example.test", "a..example.test", "mail.example.123", "evil\r\nRCPT TO:<x>.example.test",
            "ünicode.example.test"})
    void invalidNames(String helo) {
        HeloResult result = check.check(helo, CLIENT);
        assertThat(result.verdict()).as(helo).isEqualTo(HeloVerdict.INVALID);
        assertThat(result.helo() + result.reason()).doesNotContain("\r", "\n");
        assertThat(dns.asked).isEmpty();
    }

    @Test
    void aLongNameIsBoundedInTheResult() {
        String helo = "a".repeat(5000) + ".example.test";
        HeloResult result = check.check(helo, CLIENT);
        assertThat(result.verdict()).isEqualTo(HeloVerdict.INVALID);
        assertThat(result.helo().length()).isLessThan(300);
    }
}
