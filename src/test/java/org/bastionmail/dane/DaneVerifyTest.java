package org.bastionmail.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bastionmail.dane.TestCerts.tlsa;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.bastionmail.dane.TestCerts.Issued;
import org.bastionmail.dns.TlsaRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DANE-EE(3) and DANE-TA(2) authentication of presented chains (RFC 7672 3.1, 3.2). */
class DaneVerifyTest {
    private static final String MX = "mx.example.test";
    private static Issued ca;
    private static Issued leaf;
    private static Issued selfSigned;

    @BeforeAll
    static void certificates() throws Exception {
        ca = TestCerts.ca("Example Test CA");
        leaf = TestCerts.leaf(ca, MX);
        selfSigned = TestCerts.selfSigned("self.example.test", Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(1));
    }

    private static DaneVerdict verify(List<X509Certificate> chain, String mxHost, TlsaRecord... records) {
        return new DanePolicy.Required(MX, List.of(records)).verify(chain, mxHost);
    }

    private static TlsaRecord wrongDigest(TlsaRecord record) {
        byte[] data = record.data();
        data[0] ^= 1;
        return new TlsaRecord(record.usage(), record.selector(), record.matchingType(), data);
    }

    @Test
    void daneEeMatchesTheLeafByKeyOrCertificateWithEveryMatchingType() throws Exception {
        List<X509Certificate> chain = List.of(selfSigned.cert());
        for (int selector = 0; selector <= 1; selector++) {
            for (int matching = 0; matching <= 2; matching++) {
                TlsaRecord record = tlsa(3, selector, matching, selfSigned.cert());
                assertThat(verify(chain, MX, record)).as("3 %d %d", selector, matching)
                        .isEqualTo(new DaneVerdict.Authenticated(record));
            }
        }
    }

    @Test
    void aWrongDigestDoesNotMatch() throws Exception {
        DaneVerdict verdict = verify(List.of(selfSigned.cert()), MX,
                wrongDigest(tlsa(3, 1, 1, selfSigned.cert())), wrongDigest(tlsa(3, 0, 1, selfSigned.cert())));
        assertThat(verdict).isInstanceOf(DaneVerdict.Failed.class);
    }

    @Test
    void theRecordThatMatchedIsReportedAmongSeveral() throws Exception {
        TlsaRecord other = tlsa(3, 1, 1, leaf.cert());
        TlsaRecord right = tlsa(3, 1, 2, selfSigned.cert());
        assertThat(verify(List.of(selfSigned.cert()), MX, other, right)).isEqualTo(new DaneVerdict.Authenticated(right));
    }

    @Test
    void daneEeChecksNeitherNamesNorDates() throws Exception {
        // RFC 7672 3.1.1: a DANE-EE match is all there is to it
        Issued expired = TestCerts.selfSigned("someone.else.test", Instant.now().minus(Duration.ofDays(30)), Duration.ofDays(1));
        TlsaRecord record = tlsa(3, 1, 1, expired.cert());
        assertThat(verify(List.of(expired.cert()), MX, record)).isEqualTo(new DaneVerdict.Authenticated(record));
    }

    @Test
    void daneEeOnlyMatchesTheLeafNotTheIssuer() throws Exception {
        assertThat(verify(List.of(leaf.cert(), ca.cert()), MX, tlsa(3, 0, 1, ca.cert())))
                .isInstanceOf(DaneVerdict.Failed.class);
    }

    @Test
    void daneTaAuthenticatesAChainUpToTheCaWithTheRightName() throws Exception {
        List<X509Certificate> chain = List.of(leaf.cert(), ca.cert());
        for (TlsaRecord record : List.of(tlsa(2, 0, 1, ca.cert()), tlsa(2, 1, 1, ca.cert()), tlsa(2, 1, 2, ca.cert()))) {
            assertThat(verify(chain, MX, record)).isEqualTo(new DaneVerdict.Authenticated(record));
        }
    }

    @Test
    void daneTaRequiresTheMxHostOrTheTlsaBaseDomainInTheCertificate() throws Exception {
        List<X509Certificate> chain = List.of(leaf.cert(), ca.cert());
        TlsaRecord record = tlsa(2, 0, 1, ca.cert());
        // the TLSA base domain is a reference identifier too (RFC 7672 3.2.2)
        assertThat(verify(chain, "other.example.test", record)).isEqualTo(new DaneVerdict.Authenticated(record));
        DaneVerdict wrongName = new DanePolicy.Required("other.example.test", List.of(record)).verify(chain, "other.example.test");
        assertThat(wrongName).isInstanceOf(DaneVerdict.Failed.class);
        assertThat(((DaneVerdict.Failed) wrongName).reason()).contains("names none of");
    }

    @Test
    void daneTaHonoursAWildcardInTheLeftMostLabelOnly() throws Exception {
        Issued wildcard = TestCerts.leaf(ca, "wild", List.of("*.example.test"), Instant.now().minus(Duration.ofHours(1)),
                Duration.ofDays(1));
        List<X509Certificate> chain = List.of(wildcard.cert(), ca.cert());
        TlsaRecord record = tlsa(2, 0, 1, ca.cert());
        assertThat(new DanePolicy.Required("mx.example.test", List.of(record)).verify(chain, "mx.example.test"))
                .isInstanceOf(DaneVerdict.Authenticated.class);
        assertThat(new DanePolicy.Required("a.mx.example.test", List.of(record)).verify(chain, "a.mx.example.test"))
                .isInstanceOf(DaneVerdict.Failed.class);
        assertThat(new DanePolicy.Required("example.test", List.of(record)).verify(chain, "example.test"))
                .isInstanceOf(DaneVerdict.Failed.class);
    }

    @Test
    void daneTaFallsBackToTheCommonNameOnlyWithoutDnsNames() throws Exception {
        Issued cnOnly = TestCerts.leaf(ca, MX, List.of(), Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(1));
        Issued sanElsewhere = TestCerts.leaf(ca, MX, List.of("elsewhere.test"), Instant.now().minus(Duration.ofHours(1)),
                Duration.ofDays(1));
        TlsaRecord record = tlsa(2, 0, 1, ca.cert());
        assertThat(verify(List.of(cnOnly.cert(), ca.cert()), MX, record)).isInstanceOf(DaneVerdict.Authenticated.class);
        assertThat(verify(List.of(sanElsewhere.cert(), ca.cert()), MX, record)).isInstanceOf(DaneVerdict.Failed.class);
    }

    @Test
    void daneTaRefusesALeafTheCaDidNotSign() throws Exception {
        Issued forged = TestCerts.forgedLeaf(ca, MX);
        DaneVerdict verdict = verify(List.of(forged.cert(), ca.cert()), MX, tlsa(2, 0, 1, ca.cert()));
        assertThat(verdict).isInstanceOf(DaneVerdict.Failed.class);
        assertThat(((DaneVerdict.Failed) verdict).reason()).contains("does not validate");
    }

    @Test
    void daneTaChecksTheLeafsValidityDates() throws Exception {
        Issued expired = TestCerts.leaf(ca, MX, List.of(MX), Instant.now().minus(Duration.ofDays(10)), Duration.ofDays(1));
        TlsaRecord record = tlsa(2, 0, 1, ca.cert());
        assertThat(verify(List.of(expired.cert(), ca.cert()), MX, record)).isInstanceOf(DaneVerdict.Failed.class);
        // the same chain was good while the leaf was valid
        assertThat(new DanePolicy.Required(MX, List.of(record))
                .verify(List.of(expired.cert(), ca.cert()), MX, Instant.now().minus(Duration.ofHours(9 * 24 + 12))))
                .isInstanceOf(DaneVerdict.Authenticated.class);
    }

    @Test
    void daneTaNeedsTheTrustAnchorInThePresentedChain() throws Exception {
        assertThat(verify(List.of(leaf.cert()), MX, tlsa(2, 0, 1, ca.cert()))).isInstanceOf(DaneVerdict.Failed.class);
    }

    @Test
    void daneTaDoesNotLetALeafActAsACaForAnotherLeaf() throws Exception {
        // a certificate without CA rights (the CA's leaf) cannot issue: a chain that uses it as an
        // intermediate below the trust anchor is refused
        Issued underLeaf = TestCerts.leaf(leaf, MX);
        TlsaRecord record = tlsa(2, 0, 1, ca.cert());
        DaneVerdict verdict = verify(List.of(underLeaf.cert(), leaf.cert(), ca.cert()), MX, record);
        assertThat(verdict).isInstanceOf(DaneVerdict.Failed.class);
        assertThat(((DaneVerdict.Failed) verdict).reason()).contains("does not validate");
    }

    @Test
    void hostileChainsAreRefused() throws Exception {
        TlsaRecord record = tlsa(3, 1, 1, selfSigned.cert());
        assertThat(verify(List.of(), MX, record)).isInstanceOf(DaneVerdict.Failed.class);
        List<X509Certificate> long_ = Collections.nCopies(ChainVerifier.MAX_CHAIN + 1, selfSigned.cert());
        assertThat(verify(long_, MX, record)).isInstanceOf(DaneVerdict.Failed.class);
    }

    @Test
    void unusableRecordsNeverMatchEvenWhenTheirDataWould() throws Exception {
        // PKIX-EE(1) with the leaf's right digest: unusable for SMTP (RFC 7672 3.1.3)
        TlsaRecord pkixEe = tlsa(1, 1, 1, selfSigned.cert());
        assertThat(CertificateAssociation.usable(pkixEe)).isFalse();
        assertThat(CertificateAssociation.matches(pkixEe, selfSigned.cert())).isFalse();
    }

    @Test
    void wildcardRulesByThemselves() {
        assertThat(ServerName.matches("*.example.test", "mx.example.test")).isTrue();
        assertThat(ServerName.matches("*.EXAMPLE.test.", "mx.example.test")).isTrue();
        assertThat(ServerName.matches("*.test", "example.test")).isFalse();
        assertThat(ServerName.matches("m*.example.test", "mx.example.test")).isFalse();
        assertThat(ServerName.matches("*.*.test", "a.b.test")).isFalse();
        assertThat(ServerName.matches("mx.example.test", "mx.example.test.evil")).isFalse();
    }
}
