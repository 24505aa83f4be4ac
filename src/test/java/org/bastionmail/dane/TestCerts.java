package org.bastionmail.dane;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bastionmail.dns.TlsaRecord;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Throwaway EC keys and certificates built with Bouncy Castle, and TLSA records for them. */
final class TestCerts {
    private static final AtomicLong SERIAL = new AtomicLong(1);

    /** A key pair and its certificate. */
    record Issued(KeyPair keys, X509Certificate cert) {}

    private TestCerts() {}

    static KeyPair keys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    /** A CA certificate, self-signed, valid for a day around now. */
    static Issued ca(String cn) throws Exception {
        KeyPair keys = keys();
        X500Name name = new X500Name("CN=" + cn);
        X509v3CertificateBuilder builder = builder(name, name, keys.getPublic(), Instant.now(), Duration.ofDays(1))
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new Issued(keys, sign(builder, keys.getPrivate()));
    }

    /** A server certificate with these DNS subjectAltNames, issued by {@code issuer}'s key and name. */
    static Issued leaf(Issued issuer, String cn, List<String> dnsNames, Instant notBefore, Duration validity) throws Exception {
        KeyPair keys = keys();
        X500Name issuerName = new X500Name(issuer.cert().getSubjectX500Principal().getName());
        return new Issued(keys, sign(leafBuilder(issuerName, cn, dnsNames, keys.getPublic(), notBefore, validity),
                issuer.keys().getPrivate()));
    }

    static Issued leaf(Issued issuer, String dnsName) throws Exception {
        return leaf(issuer, dnsName, List.of(dnsName), Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(1));
    }

    /** A self-signed server certificate (the usual thing behind DANE-EE records). */
    static Issued selfSigned(String cn, Instant notBefore, Duration validity) throws Exception {
        KeyPair keys = keys();
        X500Name name = new X500Name("CN=" + cn);
        return new Issued(keys, sign(leafBuilder(name, cn, List.of(), keys.getPublic(), notBefore, validity), keys.getPrivate()));
    }

    /** A certificate claiming to be issued by {@code issuer} (same issuer name) but signed by another key. */
    static Issued forgedLeaf(Issued issuer, String dnsName) throws Exception {
        KeyPair keys = keys();
        KeyPair forger = keys();
        X500Name issuerName = new X500Name(issuer.cert().getSubjectX500Principal().getName());
        return new Issued(keys, sign(leafBuilder(issuerName, dnsName, List.of(dnsName), keys.getPublic(),
                Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(1)), forger.getPrivate()));
    }

    private static X509v3CertificateBuilder leafBuilder(X500Name issuer, String cn, List<String> dnsNames, PublicKey key,
            Instant notBefore, Duration validity) throws Exception {
        X509v3CertificateBuilder builder = builder(issuer, new X500Name("CN=" + cn), key, notBefore, validity)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        if (!dnsNames.isEmpty()) {
            GeneralName[] names = dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return builder;
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key, Instant notBefore,
            Duration validity) {
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.getAndIncrement()),
                Date.from(notBefore), Date.from(notBefore.plus(validity)), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    /** The TLSA record for {@code cert}, computed independently of the code under test. */
    static TlsaRecord tlsa(int usage, int selector, int matchingType, X509Certificate cert) throws Exception {
        byte[] selected = selector == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
        byte[] data = switch (matchingType) {
            case 0 -> selected;
            case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
            case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
            default -> throw new IllegalArgumentException("matching type " + matchingType);
        };
        return new TlsaRecord(usage, selector, matchingType, data);
    }
}
