package org.bastionmail.spf;

import java.util.Locale;

/** The checks SPF makes on domain names (RFC 7208 4.3, 7.1, 7.3). */
final class DomainNames {
    static final int MAX_NAME = 253;
    static final int MAX_LABEL = 63;

    private DomainNames() {
    }

    /** Drops one trailing dot (RFC 7208 7.3: a trailing dot in a domain is ignored). */
    static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /**
     * Whether a name can be asked in DNS: 1..63 characters per label, 253 in all (RFC 1035 2.3.4), no control
     * characters. Other odd characters stay (RFC 7208 7.1 allows them, and the test suite asks for them). Names that
     * cannot are treated as non-existent, like DNS would answer them (RFC 7208 4.3, 4.8).
     */
    static boolean isQueryable(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME) {
            return false;
        }
        int label = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false; // a control character (from a hostile local part, say) is no name to ask about
            }
            if (c == '.') {
                if (label == 0) {
                    return false;
                }
                label = 0;
            } else if (++label > MAX_LABEL) {
                return false;
            }
        }
        return label > 0;
    }

    /**
     * RFC 7208 4.3: the domain of an identity must be a well-formed, multi-label, fully qualified name;
     * address literals ({@code [1.2.3.4]}) and bare host names are not checked (result none).
     */
    static boolean isCheckableDomain(String name) {
        String n = stripDot(name);
        if (!isQueryable(n) || n.indexOf('.') < 0) {
            return false;
        }
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c <= ' ' || c == 0x7f || c == '[' || c == ']' || c == '@' || c == '%') {
                return false;
            }
        }
        String top = n.substring(n.lastIndexOf('.') + 1);
        return !top.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** RFC 7208 7.3: an expanded name over 253 octets loses labels on the left until it fits. */
    static String truncate(String name) {
        String n = name;
        while (n.length() > MAX_NAME) {
            int dot = n.indexOf('.');
            if (dot < 0) {
                return n;
            }
            n = n.substring(dot + 1);
        }
        return n;
    }

    /** RFC 7208 7.1: toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum ). */
    static boolean isTopLabel(String label) {
        if (label.isEmpty()) {
            return false;
        }
        boolean letter = false;
        boolean dash = false;
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                letter = true;
            } else if (c == '-') {
                dash = true;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        if (!dash) {
            return letter;
        }
        return label.charAt(0) != '-' && label.charAt(label.length() - 1) != '-';
    }

    /** Whether {@code name} is {@code domain} or a subdomain of it, ignoring case. */
    static boolean isWithin(String name, String domain) {
        String n = stripDot(name).toLowerCase(Locale.ROOT);
        String d = stripDot(domain).toLowerCase(Locale.ROOT);
        return n.equals(d) || n.endsWith("." + d);
    }
}
