package org.bastionmail.dane;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bastionmail.dns.TlsaRecord;

/** Authenticates a presented chain (leaf first) with usable TLSA records (RFC 7672 3.1, RFC 7671 5). */
final class ChainVerifier {
    /** Real chains are 2 to 4 certificates; a longer one is refused rather than worked through. */
    static final int MAX_CHAIN = 10;

    private final List<TlsaRecord> records;
    private final List<String> referenceIdentifiers;
    private final Instant now;

    ChainVerifier(List<TlsaRecord> records, List<String> referenceIdentifiers, Instant now) {
        this.records = records;
        this.referenceIdentifiers = referenceIdentifiers;
        this.now = now;
    }

    DaneVerdict verify(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return new DaneVerdict.Failed("the server presented no certificate");
        }
        if (chain.size() > MAX_CHAIN) {
            return new DaneVerdict.Failed("the server's chain has " + chain.size() + " certificates, more than " + MAX_CHAIN);
        }
        X509Certificate leaf = chain.getFirst();
        // RFC 7672 3.1.1: DANE-EE(3) binds the leaf alone; its names and validity dates are not checked
        for (TlsaRecord record : records) {
            if (record.usage() == CertificateAssociation.DANE_EE && CertificateAssociation.matches(record, leaf)) {
                return new DaneVerdict.Authenticated(record);
            }
        }
        List<String> problems = new ArrayList<>();
        for (TlsaRecord record : records) {
            if (record.usage() != CertificateAssociation.DANE_TA) {
                continue;
            }
            // RFC 7672 3.1.2: the server sends the trust anchor in its chain (a bare 2 1 0 key is not supported here)
            for (int i = 0; i < chain.size(); i++) {
                if (CertificateAssociation.matches(record, chain.get(i))) {
                    String problem = checkFrom(chain, i);
                    if (problem.isEmpty()) {
                        return new DaneVerdict.Authenticated(record);
                    }
                    problems.add("TLSA " + record.usage() + " " + record.selector() + " " + record.matchingType()
                            + " matched certificate " + i + " but " + problem);
                }
            }
        }
        return new DaneVerdict.Failed(problems.isEmpty()
                ? "no TLSA record matches the server's certificate chain"
                : String.join("; ", problems));
    }

    /** The chain below the matched trust anchor, and the leaf's name; "" when both are good. */
    private String checkFrom(List<X509Certificate> chain, int anchor) {
        X509Certificate leaf = chain.getFirst();
        if (anchor == 0) {
            // the leaf is its own trust anchor: only its validity dates are left to check
            try {
                leaf.checkValidity(Date.from(now));
            } catch (GeneralSecurityException e) {
                return "the certificate is not valid now: " + e.getMessage();
            }
        } else {
            // RFC 7671 5.2.2: the matched certificate is a trust anchor; the path below it is checked as in PKIX
            // (signatures, validity dates, CA constraints), without revocation checks. The anchor itself is
            // taken as published, like any PKIX trust anchor (RFC 5280 6.1.1 d): its dates are not checked
            try {
                CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0, anchor));
                PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(chain.get(anchor), null)));
                parameters.setRevocationEnabled(false);
                parameters.setDate(Date.from(now));
                CertPathValidator.getInstance("PKIX").validate(path, parameters);
            } catch (GeneralSecurityException e) {
                return "the chain below it does not validate: " + e.getMessage();
            }
        }
        // RFC 7672 3.2.2: with DANE-TA(2) the server certificate must name the MX host or the TLSA base domain
        if (!ServerName.matches(leaf, referenceIdentifiers)) {
            return "the server certificate names none of " + referenceIdentifiers;
        }
        return "";
    }
}
