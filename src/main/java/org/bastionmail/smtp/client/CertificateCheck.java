package org.bastionmail.smtp.client;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Decides whether a server's certificate chain is acceptable. Called once per TLS session, after the
 * handshake and before any mail is sent, with the chain as the server presented it (leaf first). MTA-STS
 * (RFC 8461 4.2) and DANE (RFC 7672 3) plug in here with their own rules.
 */
@FunctionalInterface
public interface CertificateCheck {

    /** Returns normally when the chain is acceptable; throws with the reason otherwise. */
    void verify(List<X509Certificate> chain) throws CertificateException;

    /**
     * PKIX validation with {@code trust}, then the leaf must match {@code hostname} (RFC 6125 6.4, with
     * RFC 7672 3.2.3 / RFC 8461 4.1 wildcard rules: {@code *} as the whole leftmost label only).
     */
    static CertificateCheck pkix(X509TrustManager trust, String hostname) {
        return chain -> {
            if (chain.isEmpty()) {
                throw new CertificateException("server sent no certificate");
            }
            // "UNKNOWN" is what JSSE passes for TLS 1.3, where the key exchange no longer names the key type
            trust.checkServerTrusted(chain.toArray(X509Certificate[]::new), "UNKNOWN");
            if (!HostnameMatch.matches(chain.getFirst(), hostname)) {
                throw new CertificateException("certificate does not name " + hostname);
            }
        };
    }

    /** {@link #pkix} with the JDK's default trust store (the public Web PKI). */
    static CertificateCheck systemTrust(String hostname) {
        return pkix(trustManager(null), hostname);
    }

    /** {@link #pkix} trusting exactly these certificates as anchors (a smarthost's private CA, a test). */
    static CertificateCheck trusting(Collection<X509Certificate> anchors, String hostname) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (X509Certificate anchor : anchors) {
                store.setCertificateEntry("anchor-" + i++, anchor);
            }
            return pkix(trustManager(store), hostname);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a trust store", e);
        }
    }

    /** Whether the certificate names {@code hostname} in a DNS subjectAltName (RFC 6125 6.4). */
    static boolean namesHost(X509Certificate certificate, String hostname) {
        return HostnameMatch.matches(certificate, hostname);
    }

    private static X509TrustManager trustManager(KeyStore store) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("no X.509 trust manager available");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load trust anchors", e);
        }
    }
}
