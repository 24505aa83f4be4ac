package org.bastionmail.dane;

import java.net.IDN;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The name check for DANE-TA(2) (RFC 7672 3.2.2, 3.2.3): the server certificate must name one of the
 * reference identifiers. DNS-ID subjectAltNames are used; the subject CN only when there is none
 * (RFC 6125 6.4.4). A wildcard is honoured only as the whole left-most label and matches one label.
 */
final class ServerName {
    private static final int SAN_DNS_NAME = 2;

    private ServerName() {}

    static boolean matches(X509Certificate leaf, List<String> referenceIdentifiers) {
        List<String> presented = presentedNames(leaf);
        for (String reference : referenceIdentifiers) {
            Optional<String> ascii = normalise(reference);
            if (ascii.isPresent() && presented.stream().anyMatch(p -> matches(p, ascii.get()))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> presentedNames(X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() == 2 && Integer.valueOf(SAN_DNS_NAME).equals(san.get(0)) && san.get(1) instanceof String s) {
                        names.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        if (names.isEmpty()) {
            commonName(leaf).ifPresent(names::add);
        }
        return names;
    }

    private static Optional<String> commonName(X509Certificate leaf) {
        try {
            List<Rdn> rdns = new LdapName(leaf.getSubjectX500Principal().getName()).getRdns();
            // the most specific CN is the last RDN in LdapName order
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN") && rdns.get(i).getValue() instanceof String cn) {
                    return Optional.of(cn);
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    static boolean matches(String presented, String reference) {
        Optional<String> normalised = normalise(presented);
        if (normalised.isEmpty()) {
            return false;
        }
        String name = normalised.get();
        if (name.startsWith("*.")) {
            String rest = name.substring(2);
            int dot = reference.indexOf('.');
            // RFC 6125 6.4.3: "*" stands for exactly one whole label; "*.tld" is too broad to honour
            return rest.contains(".") && !rest.contains("*") && dot > 0 && reference.substring(dot + 1).equals(rest);
        }
        return !name.contains("*") && name.equals(reference);
    }

    /** Lower case A-labels without a trailing dot; empty for something that is no host name. */
    private static Optional<String> normalise(String name) {
        String trimmed = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (trimmed.isEmpty() || trimmed.length() > 253) {
            return Optional.empty();
        }
        try {
            return Optional.of(IDN.toASCII(trimmed, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
