package org.bastionmail.dane;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import org.bastionmail.dns.TlsaRecord;
import org.bouncycastle.asn1.x509.Certificate;

/** Matching a TLSA record's certificate association data against one certificate (RFC 6698 2.1.2, 2.1.3). */
final class CertificateAssociation {
    static final int DANE_TA = 2;
    static final int DANE_EE = 3;
    static final int FULL_CERTIFICATE = 0;
    static final int SUBJECT_PUBLIC_KEY_INFO = 1;
    static final int EXACT = 0;
    static final int SHA2_256 = 1;
    static final int SHA2_512 = 2;

    private CertificateAssociation() {}

    /**
     * Whether Bastion can use the record for SMTP: DANE-TA(2) or DANE-EE(3) only, since PKIX-TA(0) and
     * PKIX-EE(1) are unusable for SMTP (RFC 7672 3.1.3); a known selector and matching type (RFC 6698
     * 2.1.2, 2.1.3); a digest of the length its matching type produces, as anything else cannot match.
     */
    static boolean usable(TlsaRecord record) {
        if (record.usage() != DANE_TA && record.usage() != DANE_EE) {
            return false;
        }
        if (record.selector() != FULL_CERTIFICATE && record.selector() != SUBJECT_PUBLIC_KEY_INFO) {
            return false;
        }
        int length = record.data().length;
        return switch (record.matchingType()) {
            case EXACT -> length > 0;
            case SHA2_256 -> length == 32;
            case SHA2_512 -> length == 64;
            default -> false;
        };
    }

    /** Whether the record's data is (a digest of) the certificate or its public key, as the record selects. */
    static boolean matches(TlsaRecord record, X509Certificate cert) {
        if (!usable(record)) {
            return false;
        }
        try {
            byte[] selected = record.selector() == FULL_CERTIFICATE ? cert.getEncoded() : subjectPublicKeyInfo(cert);
            byte[] expected = switch (record.matchingType()) {
                case SHA2_256 -> MessageDigest.getInstance("SHA-256").digest(selected);
                case SHA2_512 -> MessageDigest.getInstance("SHA-512").digest(selected);
                default -> selected;
            };
            return MessageDigest.isEqual(expected, record.data());
        } catch (CertificateEncodingException | IOException e) {
            return false;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-2 is required of every JDK", e);
        }
    }

    /** The SubjectPublicKeyInfo as the certificate encodes it (RFC 5280 4.1.2.7), not as the JDK re-encodes a key. */
    private static byte[] subjectPublicKeyInfo(X509Certificate cert) throws CertificateEncodingException, IOException {
        return Certificate.getInstance(cert.getEncoded()).getSubjectPublicKeyInfo().getEncoded("DER");
    }
}
