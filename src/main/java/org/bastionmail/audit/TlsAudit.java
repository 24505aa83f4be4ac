package org.bastionmail.audit;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bastionmail.dane.DanePolicy;
import org.bastionmail.dane.DaneVerdict;

/**
 * The TLS side of one SMTP service: the certificate served after STARTTLS (trust, name, dates, key, signature,
 * DANE) and the protocol versions and ciphers it accepts.
 */
final class TlsAudit {
    private static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    private final AuditSettings settings;
    private final SmtpTarget target;

    TlsAudit(AuditSettings settings, SmtpTarget target) {
        this.settings = settings;
        this.target = target;
    }

    /**
     * A client context that completes any handshake so that the served chain can be inspected; the chain is
     * then judged by {@link CertificateTrust}. Nothing confidential is ever sent over it.
     */
    static SSLContext inspectingContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                    throw new UnsupportedOperationException("client side only");
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                    // judged afterwards, with evidence, by CertificateTrust
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JDK", e);
        }
    }

    List<Finding> run() throws IOException {
        List<Finding> findings = new ArrayList<>();
        String subject = target.label();
        List<X509Certificate> chain = new ArrayList<>();
        try (ProbeSession s = ProbeSession.open(target, settings.timeout())) {
            if (s.readSmtp().code() != 220) {
                return findings;
            }
            Reply ehlo = s.smtp("EHLO " + settings.heloName());
            SSLSocket tls;
            if (target.implicitTls()) {
                tls = s.tls().orElseThrow();
            } else {
                if (!ehlo.positive() || ehlo.lines().stream().skip(1).noneMatch(l -> l.length() > 4 && l.substring(4).strip().equalsIgnoreCase("STARTTLS"))) {
                    return findings;
                }
                if (s.smtp("STARTTLS").code() != 220) {
                    findings.add(new Finding("smtp.starttls.refused", Severity.HIGH, subject, "STARTTLS is announced but refused",
                            s.takeTranscript(), "Fix the server's TLS configuration (certificate and key readable)."));
                    return findings;
                }
                try {
                    tls = s.startTls(inspectingContext());
                } catch (IOException e) {
                    findings.add(new Finding("smtp.starttls.handshake", Severity.HIGH, subject, "The TLS handshake after STARTTLS fails",
                            s.takeTranscript() + "\n" + e.getMessage(), "Fix the server's TLS configuration."));
                    return findings;
                }
            }
            SSLSession session = tls.getSession();
            for (Certificate c : session.getPeerCertificates()) {
                chain.add((X509Certificate) c);
            }
            Reply after = target.implicitTls() ? ehlo : s.smtp("EHLO " + settings.heloName());
            String evidence = s.takeTranscript();
            findings.add(Finding.info("tls.session", subject, "TLS " + session.getProtocol() + " with " + session.getCipherSuite(), evidence));
            if (!target.submission() && after.lines().stream().skip(1).anyMatch(l -> l.length() > 4
                    && l.substring(4).toUpperCase(Locale.ROOT).startsWith("AUTH"))) {
                findings.add(new Finding("smtp.auth.port25", Severity.LOW, subject, "AUTH is offered on the MX port",
                        evidence, "Offer authentication on the submission ports (587, 465) only, so that password guessing on port 25 finds nothing."));
            }
            s.send("QUIT");
        }
        certificate(chain, findings, subject);
        findings.addAll(scan(target.implicitTls() ? TlsEntry.IMPLICIT : TlsEntry.SMTP_STARTTLS, subject));
        return findings;
    }

    /** The versions and suites the service accepts, entered the way it starts TLS. */
    List<Finding> scan(TlsEntry entry, String subject) {
        return new CipherScan(() -> entry.open(target, settings), settings.timeout().multipliedBy(4)).findings(subject);
    }

    void certificate(List<X509Certificate> chain, List<Finding> findings, String subject) {
        X509Certificate leaf = chain.getFirst();
        String description = describe(chain);
        boolean daneAuthenticated = false;
        if (target.dane().orElse(null) instanceof DanePolicy.Required required) {
            DaneVerdict verdict = required.verify(chain, target.host());
            if (verdict instanceof DaneVerdict.Failed failed) {
                findings.add(new Finding("dane.mismatch", Severity.HIGH, subject,
                        "The certificate does not match the host's TLSA records: DANE senders will not deliver",
                        "TLSA " + required.records() + "\n" + description + "\n" + failed.reason(),
                        "Publish TLSA records for the certificate actually served (e.g. 3 1 1 of its public key), before and after each renewal."));
            } else {
                daneAuthenticated = true;
                findings.add(Finding.info("dane.match", subject, "The certificate matches a TLSA record", verdict.toString()));
            }
        }
        // without DANE, senders that check (MTA-STS, submission clients) need a chain to a trusted CA and the right name
        Severity trustSeverity = daneAuthenticated ? Severity.INFO : Severity.MEDIUM;
        settings.trust().problem(chain, Date.from(Instant.now())).ifPresent(problem -> findings.add(new Finding(
                "tls.certificate.untrusted", trustSeverity, subject, "The certificate chain is not trusted by " + settings.trust().description(),
                description + "\n" + problem,
                "Use a certificate from a public CA (e.g. Let's Encrypt) with the full chain, or publish DANE-EE TLSA records.")));
        if (Auditor.literal(target.host()).isPresent()) {
            findings.add(Finding.info("tls.certificate.name", subject, "Audited by address: the certificate's names were not checked against a host name",
                    description));
        } else if (!NameMatch.matches(leaf, target.host())) {
            findings.add(new Finding("tls.certificate.name", trustSeverity, subject,
                    "The certificate does not name " + target.host(), description,
                    "Include the MX host name in the certificate's subjectAltName."));
        }
        Instant now = Instant.now();
        if (leaf.getNotAfter().toInstant().isBefore(now)) {
            findings.add(new Finding("tls.certificate.expired", Severity.HIGH, subject, "The certificate has expired", description, "Renew the certificate and automate renewal."));
        } else if (leaf.getNotAfter().toInstant().isBefore(now.plus(EXPIRY_WARNING))) {
            findings.add(new Finding("tls.certificate.expiring", Severity.MEDIUM, subject, "The certificate expires within 14 days", description, "Renew the certificate and automate renewal."));
        }
        if (leaf.getNotBefore().toInstant().isAfter(now)) {
            findings.add(new Finding("tls.certificate.not-yet-valid", Severity.HIGH, subject, "The certificate is not valid yet", description, "Check the server's clock and the certificate's dates."));
        }
        if (leaf.getPublicKey() instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
            int bits = rsa.getModulus().bitLength();
            findings.add(new Finding("tls.certificate.key-size", bits < 1024 ? Severity.HIGH : Severity.MEDIUM, subject,
                    "The certificate's RSA key has only " + bits + " bits", description, "Use an RSA key of at least 2048 bits or an ECDSA P-256 key."));
        }
        if (leaf.getPublicKey() instanceof ECPublicKey ec && ec.getParams().getOrder().bitLength() < 256) {
            findings.add(new Finding("tls.certificate.key-size", Severity.MEDIUM, subject, "The certificate's EC key is shorter than 256 bits", description, "Use an ECDSA P-256 or P-384 key."));
        }
        String algorithm = leaf.getSigAlgName().toUpperCase(Locale.ROOT);
        if (algorithm.contains("MD5") || algorithm.contains("SHA1WITH")) {
            findings.add(new Finding("tls.certificate.signature", Severity.MEDIUM, subject, "The certificate is signed with " + leaf.getSigAlgName(), description, "Reissue the certificate with a SHA-256 signature."));
        }
    }

    static String describe(List<X509Certificate> chain) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            text.append(i == 0 ? "certificate: " : "issuer " + i + ": ").append(c.getSubjectX500Principal().getName())
                    .append(" (issued by ").append(c.getIssuerX500Principal().getName()).append(", valid ")
                    .append(c.getNotBefore().toInstant()).append(" to ").append(c.getNotAfter().toInstant()).append(", names ")
                    .append(NameMatch.dnsNames(c)).append(")\n");
        }
        return text.toString().strip();
    }
}
