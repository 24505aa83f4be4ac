package org.bastionmail.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.DnssecStatus;
import org.bastionmail.dns.Lookup;
import org.bastionmail.dns.TlsaRecord;
import org.junit.jupiter.api.Test;

/** The DANE policy decision of RFC 7672 2.2 from TLSA lookup outcomes. */
class DaneLookupTest {
    private static final byte[] SHA256 = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    private static final TlsaRecord DANE_EE = new TlsaRecord(3, 1, 1, SHA256);
    private static final TlsaRecord DANE_TA = new TlsaRecord(2, 0, 1, SHA256);

    /** Answers every TLSA question with one outcome and remembers the names asked. */
    private static final class OneAnswer implements DnsResolver {
        final Lookup<List<TlsaRecord>> answer;
        final List<String> asked = new ArrayList<>();

        OneAnswer(Lookup<List<TlsaRecord>> answer) {
            this.answer = answer;
        }

        @Override
        public Lookup<List<TlsaRecord>> tlsa(String name) {
            asked.add(name);
            return answer;
        }

        public Lookup<List<String>> txt(String name) { throw new UnsupportedOperationException(); }
        public Lookup<List<InetAddress>> a(String name) { throw new UnsupportedOperationException(); }
        public Lookup<List<InetAddress>> aaaa(String name) { throw new UnsupportedOperationException(); }
        public Lookup<List<MxRecord>> mx(String name) { throw new UnsupportedOperationException(); }
        public Lookup<List<String>> ptr(InetAddress address) { throw new UnsupportedOperationException(); }
    }

    private static DanePolicy policy(Lookup<List<TlsaRecord>> answer) {
        return new DaneLookup(new OneAnswer(answer)).policy("MX.Example.test.", DnssecStatus.SECURE, DnssecStatus.SECURE);
    }

    @Test
    void secureUsableRecordsMakeDaneRequiredWithOnlyTheUsableOnes() {
        TlsaRecord pkixTa = new TlsaRecord(0, 0, 1, SHA256);
        OneAnswer dns = new OneAnswer(new Lookup.Found<>(List.of(pkixTa, DANE_EE, DANE_TA), DnssecStatus.SECURE));
        DanePolicy policy = new DaneLookup(dns).policy("MX.Example.test.", DnssecStatus.SECURE, DnssecStatus.SECURE);
        assertThat(policy).isEqualTo(new DanePolicy.Required("mx.example.test", List.of(DANE_EE, DANE_TA)));
        assertThat(dns.asked).containsExactly("_25._tcp.mx.example.test");
    }

    @Test
    void secureButAllUnusableRecordsMeanEncryptionWithoutAuthentication() {
        List<TlsaRecord> unusable = List.of(
                new TlsaRecord(0, 0, 1, SHA256), // PKIX-TA: not for SMTP (RFC 7672 3.1.3)
                new TlsaRecord(1, 1, 1, SHA256), // PKIX-EE
                new TlsaRecord(4, 1, 1, SHA256), // unknown usage
                new TlsaRecord(3, 2, 1, SHA256), // unknown selector
                new TlsaRecord(3, 1, 9, SHA256), // unknown matching type
                new TlsaRecord(3, 1, 1, new byte[] {1, 2, 3}), // SHA-256 of the wrong length
                new TlsaRecord(3, 1, 2, SHA256), // SHA-512 of the wrong length
                new TlsaRecord(3, 1, 0, new byte[0]));
        assertThat(policy(new Lookup.Found<>(unusable, DnssecStatus.SECURE))).isInstanceOf(DanePolicy.EncryptOnly.class);
    }

    @Test
    void aProvenAbsenceOfRecordsMeansNoDane() {
        assertThat(policy(new Lookup.NoSuchName<>(DnssecStatus.SECURE))).isInstanceOf(DanePolicy.NotApplicable.class);
        assertThat(policy(new Lookup.NoRecords<>(DnssecStatus.SECURE))).isInstanceOf(DanePolicy.NotApplicable.class);
    }

    @Test
    void insecureRecordsAreIgnored() {
        assertThat(policy(new Lookup.Found<>(List.of(DANE_EE), DnssecStatus.INSECURE)))
                .isInstanceOf(DanePolicy.NotApplicable.class);
        assertThat(policy(new Lookup.Found<>(List.of(DANE_EE), DnssecStatus.INDETERMINATE)))
                .isInstanceOf(DanePolicy.NotApplicable.class);
        assertThat(policy(new Lookup.NoRecords<>(DnssecStatus.INSECURE))).isInstanceOf(DanePolicy.NotApplicable.class);
    }

    @Test
    void bogusOrFailedLookupsAreTemporaryFailuresNeverADowngrade() {
        assertThat(policy(new Lookup.Failed<>("DNSSEC validation failed", DnssecStatus.BOGUS)))
                .isInstanceOf(DanePolicy.TemporaryFailure.class);
        assertThat(policy(new Lookup.Failed<>("timed out", DnssecStatus.INDETERMINATE)))
                .isInstanceOf(DanePolicy.TemporaryFailure.class);
    }

    @Test
    void insecureMxOrAddressRecordsMeanNoDaneAndNoTlsaQuery() {
        OneAnswer dns = new OneAnswer(new Lookup.Found<>(List.of(DANE_EE), DnssecStatus.SECURE));
        DaneLookup dane = new DaneLookup(dns);
        assertThat(dane.policy("mx.example.test", DnssecStatus.INSECURE, DnssecStatus.SECURE))
                .isInstanceOf(DanePolicy.NotApplicable.class);
        assertThat(dane.policy("mx.example.test", DnssecStatus.SECURE, DnssecStatus.INSECURE))
                .isInstanceOf(DanePolicy.NotApplicable.class);
        assertThat(dane.policy("mx.example.test", DnssecStatus.SECURE, DnssecStatus.INDETERMINATE))
                .isInstanceOf(DanePolicy.NotApplicable.class);
        assertThat(dane.policy("mx.example.test", DnssecStatus.SECURE, DnssecStatus.BOGUS))
                .isInstanceOf(DanePolicy.TemporaryFailure.class);
        assertThat(dns.asked).isEmpty();
    }

    @Test
    void theTlsaNameFollowsThePort() {
        OneAnswer dns = new OneAnswer(new Lookup.NoSuchName<>(DnssecStatus.SECURE));
        assertThat(new DaneLookup(dns).tlsaName("mx.example.test.")).isEqualTo("_25._tcp.mx.example.test");
        assertThat(new DaneLookup(dns, 2525).tlsaName("mx.example.test")).isEqualTo("_2525._tcp.mx.example.test");
    }
}
