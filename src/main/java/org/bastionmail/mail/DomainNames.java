package org.bastionmail.mail;

import java.util.Locale;

/**
 * Syntax of the host and domain names Bastion is configured with or an administrator adds (RFC 1035
 * 2.3.4 lengths, RFC 1123 2.1 labels); internationalised names stay in UTF-8 (RFC 6531).
 */
public final class DomainNames {
    private DomainNames() {}

    /** The name in lower case without a trailing dot; {@link IllegalArgumentException} if it is not valid. */
    public static String normalise(String domain) {
        String name = domain.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty() || name.length() > 253) {
            throw invalid(domain);
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                throw invalid(domain);
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ascii = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                if (!ascii && (c < 0x80 || !Character.isLetterOrDigit(c))) {
                    throw invalid(domain);
                }
            }
        }
        return name;
    }

    public static boolean isValid(String domain) {
        try {
            normalise(domain);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static IllegalArgumentException invalid(String domain) {
        return new IllegalArgumentException("not a valid domain name: '" + domain + "'");
    }
}
