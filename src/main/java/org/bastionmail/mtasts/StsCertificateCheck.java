package org.bastionmail.mtasts;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bastionmail.tlsrpt.ResultType;

/**
 * The MTA-STS checks of an SMTP connection (RFC 8461 4): the MX host must match one of the policy's
 * {@code mx} patterns (4.1), and its certificate must chain to a trusted authority and carry the MX
 * host name as a DNS-ID (4.2). The SMTP client calls it with the chain its TLS handshake received.
 */
public final class StsCertificateCheck {
    /** RFC 5280 4.2.1.6: GeneralName tag of a dNSName. */
    private static final int DNS_NAME = 2;
    private static final int MAX_NAMES = 1000;

    private final X509TrustManager trust;

    /** @param trust the authorities MX certificates are checked against (the WebPKI in production) */
    public StsCertificateCheck(X509TrustManager trust) {
        this.trust = Objects.requireNonNull(trust, "trust");
    }

    /** A check against the JDK's default trust store (cacerts, or javax.net.ssl.trustStore if set). */
    public static StsCertificateCheck withDefaultTrust() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return new StsCertificateCheck(x509);
                }
            }
            throw new IllegalStateException("no X509TrustManager in the default trust store");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("default trust store unusable", e);
        }
    }

    /**
     * Before connecting: whether {@code mxHost} may be used at all (RFC 8461 4.1). In mode enforce a
     * non-matching MX is skipped; in testing it is used and reported.
     */
    public StsVerdict checkMx(StsPolicy policy, String mxHost) {
        if (policy.mode() == StsMode.NONE) {
            return new StsVerdict.NotApplicable();
        }
        if (!policy.mxMatches(mxHost)) {
            return fail(policy, ResultType.VALIDATION_FAILURE, "MX host " + mxHost + " matches no mx pattern of the policy");
        }
        return new StsVerdict.Pass();
    }

    /** The MX host did not offer STARTTLS, or the handshake failed: no policy host can be verified. */
    public StsVerdict noTls(StsPolicy policy, String mxHost) {
        if (policy.mode() == StsMode.NONE) {
            return new StsVerdict.NotApplicable();
        }
        return fail(policy, ResultType.STARTTLS_NOT_SUPPORTED, mxHost + " offered no usable TLS");
    }

    /**
     * After the TLS handshake: the MX match, then the certificate chain ({@code chain[0]} is the
     * server's own certificate) against the trust store and the MX host name (RFC 8461 4.2).
     *
     * @param authType the key exchange as the JDK names it ({@code "UNKNOWN"} for TLS 1.3)
     */
    public StsVerdict checkCertificate(StsPolicy policy, String mxHost, List<X509Certificate> chain, String authType) {
        StsVerdict mx = checkMx(policy, mxHost);
        if (!(mx instanceof StsVerdict.Pass)) {
            return mx;
        }
        if (chain.isEmpty()) {
            return fail(policy, ResultType.VALIDATION_FAILURE, mxHost + " presented no certificate");
        }
        try {
            trust.checkServerTrusted(chain.toArray(X509Certificate[]::new), authType);
        } catch (java.security.cert.CertificateException | IllegalArgumentException e) {
            return fail(policy, classify(e), mxHost + ": " + e.getMessage());
        }
        if (!namesHost(chain.getFirst(), mxHost)) {
            return fail(policy, ResultType.CERTIFICATE_HOST_MISMATCH, "certificate of " + mxHost + " does not name it");
        }
        return new StsVerdict.Pass();
    }

    private static StsVerdict fail(StsPolicy policy, ResultType type, String detail) {
        return new StsVerdict.Fail(type, detail, policy.mode() == StsMode.ENFORCE);
    }

    /** RFC 8460 4.3.2.1: expired (or not yet valid) and untrusted chains are reported apart. */
    private static ResultType classify(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return ResultType.CERTIFICATE_EXPIRED;
            }
            if (t instanceof CertPathValidatorException v) {
                if (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                        || v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                    return ResultType.CERTIFICATE_EXPIRED;
                }
            }
        }
        return ResultType.CERTIFICATE_NOT_TRUSTED;
    }

    /**
     * RFC 8461 4.2 with RFC 6125 6.4: the host must match a subjectAltName dNSName, a wildcard only as the
     * whole leftmost label. The subject CN is not consulted (RFC 6125 6.4.4 makes it a fallback only for
     * certificates without DNS-IDs; WebPKI certificates always carry them).
     */
    static boolean namesHost(X509Certificate certificate, String host) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        if (names == null) {
            return false;
        }
        int seen = 0;
        for (List<?> name : names) {
            if (++seen > MAX_NAMES) {
                return false;
            }
            if (name.size() >= 2 && name.get(0) instanceof Integer tag && tag == DNS_NAME
                    && name.get(1) instanceof String dnsName && HostPattern.matches(dnsName, host)) {
                return true;
            }
        }
        return false;
    }
}
