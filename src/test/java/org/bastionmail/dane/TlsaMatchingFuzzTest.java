package org.bastionmail.dane;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.bastionmail.dns.TlsaRecord;

/**
 * Fuzz target for TLSA record data as DNS hands it to DANE (RFC 6698 2.1): any usage, selector, matching
 * type and association data. {@link CertificateAssociation} must never throw, must only match records it
 * calls usable, and must match the record made from the certificate itself (the round trip).
 */
class TlsaMatchingFuzzTest {
    /** A self-signed EC certificate (CN=mx.example.test), made once per run. */
    private static final X509Certificate CERTIFICATE = certificate();

    private static X509Certificate certificate() {
        try {
            var generator = java.security.KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            var keys = generator.generateKeyPair();
            var name = new org.bouncycastle.asn1.x500.X500Name("CN=mx.example.test");
            var builder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.ONE,
                    new java.util.Date(0), new java.util.Date(4_102_444_800_000L), name, keys.getPublic());
            var signer = new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
            byte[] der = builder.build(signer).getEncoded();
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest
    void associations(FuzzedDataProvider data) throws Exception {
        TlsaRecord record = new TlsaRecord(data.consumeInt(0, 255), data.consumeInt(0, 255), data.consumeInt(0, 255),
                data.consumeRemainingAsBytes());
        boolean usable = CertificateAssociation.usable(record);
        boolean matches = CertificateAssociation.matches(record, CERTIFICATE);
        assertThat(!matches || usable).as("a match on an unusable record").isTrue();

        // the round trip: the record this certificate would publish matches it
        if (usable) {
            byte[] der = record.selector() == CertificateAssociation.FULL_CERTIFICATE ? CERTIFICATE.getEncoded()
                    : CERTIFICATE.getPublicKey().getEncoded();
            byte[] association = switch (record.matchingType()) {
                case CertificateAssociation.SHA2_256 -> MessageDigest.getInstance("SHA-256").digest(der);
                case CertificateAssociation.SHA2_512 -> MessageDigest.getInstance("SHA-512").digest(der);
                default -> der;
            };
            TlsaRecord own = new TlsaRecord(record.usage(), record.selector(), record.matchingType(), association);
            assertThat(CertificateAssociation.matches(own, CERTIFICATE)).isTrue();
        }
    }
}
