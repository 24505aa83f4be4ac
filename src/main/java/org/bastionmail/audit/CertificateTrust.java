package org.bastionmail.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The certificate authorities a served chain is validated against: the JDK's, or those of a PEM file. */
public final class CertificateTrust {
    private final Set<TrustAnchor> anchors;
    private final String description;

    private CertificateTrust(Set<TrustAnchor> anchors, String description) {
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException("no trusted certificates in " + description);
        }
        this.anchors = Set.copyOf(anchors);
        this.description = description;
    }

    public static CertificateTrust system() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            Set<TrustAnchor> anchors = new HashSet<>();
            for (var manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        anchors.add(new TrustAnchor(ca, null));
                    }
                }
            }
            return new CertificateTrust(anchors, "the system trust store");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the system trust store", e);
        }
    }

    /** The certificates of a PEM file (a CA, or a self-signed server certificate to trust as is). */
    public static CertificateTrust pemFile(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends java.security.cert.Certificate> certs =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            Set<TrustAnchor> anchors = new HashSet<>();
            for (var cert : certs) {
                anchors.add(new TrustAnchor((X509Certificate) cert, null));
            }
            return new CertificateTrust(anchors, file.toString());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read certificates from " + file + ": " + e.getMessage(), e);
        }
    }

    String description() {
        return description;
    }

    /** Why the chain (leaf first) does not validate at {@code now}, or empty when it does. Revocation is not checked. */
    Optional<String> problem(List<X509Certificate> chain, Date now) {
        if (chain.isEmpty()) {
            return Optional.of("no certificate");
        }
        // a leaf that is itself an anchor (a pinned self-signed certificate) is trusted as is
        if (anchors.stream().anyMatch(a -> chain.getFirst().equals(a.getTrustedCert()))) {
            return Optional.empty();
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> path = chain.stream()
                    .filter(c -> anchors.stream().noneMatch(a -> c.equals(a.getTrustedCert())))
                    .toList();
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(now);
            CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(path), parameters);
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }
}
