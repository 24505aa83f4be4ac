package org.bastionmail.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.dns.testserver.TestZone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** TLSA lookups (RFC 6698) from a signed test tree: secure, insecure and bogus answers, and secure denials. */
class TlsaLookupTest {
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";
    private static final String SHA256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static final TlsaRecord DANE_EE = new TlsaRecord(3, 1, 1, HexFormat.of().parseHex(SHA256));
    private static TestDnsServer server;
    private static TestZone root;

    @BeforeAll
    static void start() throws IOException {
        TestZone insecure = TestZone.parse("insecure.test", SOA + "_25._tcp.mx TLSA 3 1 1 " + SHA256 + "\n");
        TestZone bogus = TestZone.parse("bogus.test", SOA + "_25._tcp.mx TLSA 3 1 1 " + SHA256 + "\n")
                .sign().corruptSignature("_25._tcp.mx.bogus.test", Type.TLSA);
        TestZone test = TestZone.parse("test", SOA + """
                mx A 192.0.2.10
                _25._tcp.mx TLSA 3 1 1 %s
                _25._tcp.mx TLSA 2 0 1 %s
                _25._tcp.alias CNAME _25._tcp.mx
                _25._tcp.txtonly TXT "not a TLSA record"
                """.formatted(SHA256, SHA256)).delegate(insecure).delegate(bogus).sign();
        root = TestZone.parse(".", "@ SOA ns.test. hostmaster.test. 1 3600 600 86400 300\n@ NS ns.test.\n")
                .delegate(test).sign();
        server = TestDnsServer.start(root, test, insecure, bogus);
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
    }

    private static DnsjavaResolver resolver(boolean dnssec) throws IOException {
        String anchors = root.ds().orElseThrow() + "\n";
        return DnsjavaResolver.create(List.of(server.address()), Duration.ofSeconds(2), dnssec,
                new ByteArrayInputStream(anchors.getBytes(StandardCharsets.US_ASCII)), Clock.systemUTC());
    }

    @Test
    void signedTlsaRecordsAreSecure() throws Exception {
        Lookup<List<TlsaRecord>> lookup = resolver(true).tlsa("_25._tcp.mx.test");
        assertThat(lookup).isInstanceOf(Lookup.Found.class);
        assertThat(lookup.dnssec()).isEqualTo(DnssecStatus.SECURE);
        assertThat(((Lookup.Found<List<TlsaRecord>>) lookup).records()).containsExactlyInAnyOrder(
                DANE_EE, new TlsaRecord(2, 0, 1, HexFormat.of().parseHex(SHA256)));
    }

    @Test
    void aSignedCnameToTlsaRecordsIsSecure() throws Exception {
        assertThat(resolver(true).tlsa("_25._tcp.alias.test").dnssec()).isEqualTo(DnssecStatus.SECURE);
    }

    @Test
    void signedDenialsOfTlsaAreSecure() throws Exception {
        DnsjavaResolver resolver = resolver(true);
        // RFC 7672 2.2: a proven absence of TLSA records means "no DANE", not a failure
        assertThat(resolver.tlsa("_25._tcp.nothere.test")).isEqualTo(new Lookup.NoSuchName<>(DnssecStatus.SECURE));
        assertThat(resolver.tlsa("_25._tcp.txtonly.test")).isEqualTo(new Lookup.NoRecords<>(DnssecStatus.SECURE));
    }

    @Test
    void tlsaRecordsInAnUnsignedZoneAreInsecure() throws Exception {
        assertThat(resolver(true).tlsa("_25._tcp.mx.insecure.test")).isEqualTo(
                new Lookup.Found<>(List.of(DANE_EE), DnssecStatus.INSECURE));
    }

    @Test
    void aBadSignatureOverTlsaRecordsIsBogusAndHidesThem() throws Exception {
        Lookup<List<TlsaRecord>> lookup = resolver(true).tlsa("_25._tcp.mx.bogus.test");
        assertThat(lookup).isInstanceOf(Lookup.Failed.class);
        assertThat(lookup.dnssec()).isEqualTo(DnssecStatus.BOGUS);
    }

    @Test
    void withoutValidationTlsaRecordsAreIndeterminate() throws Exception {
        assertThat(resolver(false).tlsa("_25._tcp.mx.bogus.test")).isEqualTo(
                new Lookup.Found<>(List.of(DANE_EE), DnssecStatus.INDETERMINATE));
    }

    @Test
    void resolversWithoutTlsaSupportFailTheLookup() {
        DnsResolver bare = new DnsResolver() {
            public Lookup<List<String>> txt(String name) { throw new UnsupportedOperationException(); }
            public Lookup<List<InetAddress>> a(String name) { throw new UnsupportedOperationException(); }
            public Lookup<List<InetAddress>> aaaa(String name) { throw new UnsupportedOperationException(); }
            public Lookup<List<MxRecord>> mx(String name) { throw new UnsupportedOperationException(); }
            public Lookup<List<String>> ptr(InetAddress address) { throw new UnsupportedOperationException(); }
        };
        assertThat(bare.tlsa("_25._tcp.mx.test")).isInstanceOf(Lookup.Failed.class);
    }

    @Test
    void tlsaRecordsAreValuesThatCannotBeChangedFromOutside() {
        byte[] data = HexFormat.of().parseHex(SHA256);
        TlsaRecord record = new TlsaRecord(3, 1, 1, data);
        data[0] = 0x7f;
        record.data()[1] = 0x7f;
        assertThat(record).isEqualTo(DANE_EE).hasSameHashCodeAs(DANE_EE);
        assertThat(record.toString()).isEqualTo("3 1 1 " + SHA256.toUpperCase(java.util.Locale.ROOT));
        assertThatThrownBy(() -> new TlsaRecord(256, 1, 1, data)).isInstanceOf(IllegalArgumentException.class);
    }
}
