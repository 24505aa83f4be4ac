package org.bastionmail.smtp.client;

import java.net.IDN;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Reference identity matching of RFC 6125 6.4 for mail: DNS-ID subjectAltNames only (no CN fallback, as
 * RFC 6125 6.4.4 allows once a DNS-ID is present and RFC 7672 3.2.3 expects), case-insensitive,
 * A-labels, a wildcard only as the complete leftmost label and matching exactly one label.
 */
final class HostnameMatch {
    private static final int DNS_NAME = 2;

    private HostnameMatch() {}

    static boolean matches(X509Certificate certificate, String hostname) {
        String reference = normalise(hostname);
        for (String name : dnsNames(certificate)) {
            if (matchesName(normalise(name), reference)) {
                return true;
            }
        }
        return false;
    }

    static boolean matchesName(String presented, String reference) {
        if (presented.isEmpty() || reference.isEmpty()) {
            return false;
        }
        if (!presented.startsWith("*.")) {
            return presented.equals(reference);
        }
        String suffix = presented.substring(1); // ".example.com"
        int firstDot = reference.indexOf('.');
        // the wildcard covers exactly one non-empty label, and never a bare public suffix of one label
        return firstDot > 0 && reference.substring(firstDot).equals(suffix) && suffix.indexOf('.', 1) > 0;
    }

    private static String normalise(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        try {
            return IDN.toASCII(lower, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static List<String> dnsNames(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return List.of();
            }
            return names.stream()
                    .filter(entry -> entry.size() >= 2 && Integer.valueOf(DNS_NAME).equals(entry.get(0)))
                    .map(entry -> String.valueOf(entry.get(1)))
                    .toList();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }
}
