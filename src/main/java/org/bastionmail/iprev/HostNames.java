package org.bastionmail.iprev;

/** Syntax of the host names iprev and the HELO check deal with (RFC 5321 4.1.2 Domain, RFC 1035 2.3.4). */
final class HostNames {
    private static final int MAX_SHOWN = 255;

    private HostNames() {}

    static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** Printable ASCII only, bounded, so a name from DNS or a client never breaks a log line or header. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < MAX_SHOWN; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.length() < text.length() ? out + "..." : out.toString();
    }

    /** Any name DNS can hold that is safe to ask for: labels of 1-63 visible ASCII characters, 253 in all. */
    static boolean isQueryable(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                return false;
            }
        }
        return name.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    /**
     * A fully qualified host name as RFC 5321 4.1.2 writes Domain: at least two labels of letters, digits and
     * inner hyphens, and a top-level label that is not all digits (so it cannot be an IPv4 address).
     */
    static boolean isFqdn(String name) {
        String n = stripDot(name);
        if (n.isEmpty() || n.length() > 253) {
            return false;
        }
        String[] labels = n.split("\\.", -1);
        if (labels.length < 2) {
            return false;
        }
        for (String label : labels) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                if (!ldh) {
                    return false;
                }
            }
        }
        return !labels[labels.length - 1].chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
