package org.bastionmail.mtasts;

import java.util.Locale;

/**
 * Host name matching shared by MX patterns (RFC 8461 4.1) and certificate DNS-IDs (RFC 6125 6.4.3):
 * case-insensitive, a trailing dot ignored, and a wildcard only as the whole leftmost label, where it
 * stands for exactly one label.
 */
final class HostPattern {
    private HostPattern() {}

    static String normalize(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    static boolean matches(String pattern, String host) {
        String p = normalize(pattern);
        String h = normalize(host);
        if (p.isEmpty() || h.isEmpty() || h.startsWith(".") || h.contains("..")) {
            return false;
        }
        if (!p.startsWith("*.")) {
            return !p.contains("*") && p.equals(h);
        }
        String suffix = p.substring(1); // ".example.com"
        // "*.com" would cover a whole top-level domain: RFC 6125 7.2 advises against honouring it.
        if (suffix.indexOf('.', 1) < 0 || suffix.contains("*")) {
            return false;
        }
        if (!h.endsWith(suffix)) {
            return false;
        }
        String first = h.substring(0, h.length() - suffix.length());
        // RFC 8461 4.1: "*.example.com" matches "mail.example.com", not "example.com" nor "a.b.example.com".
        return !first.isEmpty() && first.indexOf('.') < 0;
    }
}
