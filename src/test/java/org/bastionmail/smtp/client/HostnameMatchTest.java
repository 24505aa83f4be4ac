package org.bastionmail.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostnameMatchTest {
    @ParameterizedTest
    @CsvSource({
        "mx.example.com, mx.example.com, true",
        "*.example.com, mx.example.com, true",
        "*.example.com, a.b.example.com, false",
        "*.example.com, example.com, false",
        "*.com, example.com, false",
        "m*.example.com, mx.example.com, false",
        "mx.example.com, mx.example.org, false"})
    void rfc6125Rules(String presented, String reference, boolean matches) {
        assertThat(HostnameMatch.matchesName(presented, reference)).isEqualTo(matches);
    }

    @Test
    void certificateSubjectAltNamesCaseAndTrailingDot() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.example.test");
        assertThat(HostnameMatch.matches(cert.certificate(), "MX.Example.Test.")).isTrue();
        assertThat(HostnameMatch.matches(cert.certificate(), "other.example.test")).isFalse();
    }
}
