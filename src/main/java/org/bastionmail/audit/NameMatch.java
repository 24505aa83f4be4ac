package org.bastionmail.audit;

import java.net.IDN;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Whether a certificate names a host (RFC 6125 6.4: subjectAltName dNSName, a wildcard for the left-most label only). */
final class NameMatch {
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    private NameMatch() {}

    static boolean matches(X509Certificate certificate, String host) {
        String reference = normalise(host);
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    if (name.get(0) instanceof Integer type && (type == DNS_NAME || type == IP_ADDRESS)
                            && name.get(1) instanceof String value && matchesName(normalise(value), reference)) {
                        return true;
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return false;
        }
        return false;
    }

    static List<String> dnsNames(X509Certificate certificate) {
        List<String> result = new ArrayList<>();
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    if (name.get(1) instanceof String value) {
                        result.add(value);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            result.add("(unreadable subjectAltName)");
        }
        return result;
    }

    static boolean matchesName(String presented, String reference) {
        if (presented.startsWith("*.")) {
            String suffix = presented.substring(1);
            int dot = reference.indexOf('.');
            return dot > 0 && reference.substring(dot).equals(suffix) && suffix.indexOf('.', 1) > 0;
        }
        return presented.equals(reference);
    }

    private static String normalise(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        try {
            return IDN.toASCII(n, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return n.toLowerCase(Locale.ROOT);
        }
    }
}
