package org.bastionmail.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.bastionmail.tlsrpt.ResultType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StsCertificateCheckTest {
    private static TestPki pki;
    private static StsCertificateCheck check;
    private static StsPolicy enforce;
    private static StsPolicy testing;

    @BeforeAll
    static void setUp() throws Exception {
        pki = new TestPki("Test WebPKI");
        check = new StsCertificateCheck(pki.trustManager());
        enforce = StsPolicy.parse("version: STSv1\nmode: enforce\nmx: mx.example.com\nmx: *.example.net\nmax_age: 60\n");
        testing = StsPolicy.parse("version: STSv1\nmode: testing\nmx: mx.example.com\nmax_age: 60\n");
    }

    @Test
    void aMatchingMxWithAValidCertificatePasses() throws Exception {
        var issued = pki.issue("mx.example.com");
        assertThat(check.checkCertificate(enforce, "mx.example.com", issued.chain(), "UNKNOWN")).isEqualTo(new StsVerdict.Pass());
        var wildcard = pki.issue("*.example.net");
        assertThat(check.checkCertificate(enforce, "mx1.example.net", wildcard.chain(), "ECDHE_ECDSA"))
                .isEqualTo(new StsVerdict.Pass());
    }

    @Test
    void theCertificateMustNameTheMx() throws Exception {
        var issued = pki.issue("other.example.com", "*.mx.example.com");
        assertFail(check.checkCertificate(enforce, "mx.example.com", issued.chain(), "UNKNOWN"), ResultType.CERTIFICATE_HOST_MISMATCH, true);
        // a wildcard certificate covers one label only
        assertFail(check.checkCertificate(enforce, "mx.example.net", pki.issue("*.net").chain(), "UNKNOWN"),
                ResultType.CERTIFICATE_HOST_MISMATCH, true);
        assertThat(check.checkMx(enforce, "a.b.example.net")).isInstanceOf(StsVerdict.Fail.class);
        assertFail(check.checkCertificate(enforce, "a.b.example.net", pki.issue("*.b.example.net").chain(), "UNKNOWN"),
                ResultType.VALIDATION_FAILURE, true);
    }

    @Test
    void expiredAndUntrustedCertificatesFail() throws Exception {
        Instant now = Instant.now();
        var expired = pki.issue(now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)), "mx.example.com");
        assertFail(check.checkCertificate(enforce, "mx.example.com", expired.chain(), "UNKNOWN"), ResultType.CERTIFICATE_EXPIRED, true);
        var stranger = new TestPki("Stranger").issue("mx.example.com");
        assertFail(check.checkCertificate(enforce, "mx.example.com", stranger.chain(), "UNKNOWN"),
                ResultType.CERTIFICATE_NOT_TRUSTED, true);
        assertFail(check.checkCertificate(enforce, "mx.example.com", java.util.List.of(), "UNKNOWN"),
                ResultType.VALIDATION_FAILURE, true);
    }

    @Test
    void anMxOutsideThePolicyFailsBeforeAnyCertificate() throws Exception {
        var issued = pki.issue("evil.example.org");
        assertFail(check.checkCertificate(enforce, "evil.example.org", issued.chain(), "UNKNOWN"), ResultType.VALIDATION_FAILURE, true);
        assertFail(check.checkMx(enforce, "evil.example.org"), ResultType.VALIDATION_FAILURE, true);
    }

    @Test
    void testingModeReportsButAllowsDelivery() throws Exception {
        var stranger = new TestPki("Stranger").issue("mx.example.com");
        StsVerdict verdict = check.checkCertificate(testing, "mx.example.com", stranger.chain(), "UNKNOWN");
        assertFail(verdict, ResultType.CERTIFICATE_NOT_TRUSTED, false);
        assertThat(verdict.allowsDelivery()).isTrue();
        assertFail(check.noTls(testing, "mx.example.com"), ResultType.STARTTLS_NOT_SUPPORTED, false);
        assertThat(check.noTls(enforce, "mx.example.com").allowsDelivery()).isFalse();
    }

    @Test
    void modeNoneChecksNothing() throws Exception {
        StsPolicy none = StsPolicy.parse("version: STSv1\nmode: none\nmax_age: 60\n");
        assertThat(check.checkMx(none, "anything.example")).isEqualTo(new StsVerdict.NotApplicable());
        assertThat(check.noTls(none, "anything.example").allowsDelivery()).isTrue();
    }

    private static void assertFail(StsVerdict verdict, ResultType type, boolean enforced) {
        assertThat(verdict).isInstanceOfSatisfying(StsVerdict.Fail.class, fail -> {
            assertThat(fail.type()).isEqualTo(type);
            assertThat(fail.enforced()).isEqualTo(enforced);
            assertThat(fail.allowsDelivery()).isEqualTo(!enforced);
        });
    }
}
