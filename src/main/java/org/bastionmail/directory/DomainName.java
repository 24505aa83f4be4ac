package org.bastionmail.directory;

import java.util.Locale;

/** Checks the domain names an administrator adds (RFC 1035 2.3.4 lengths; IDNs kept in UTF-8, RFC 6531). */
final class DomainName {
    private DomainName() {}

    static String normalize(String domain) {
        String name = domain.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty() || name.length() > 253) {
            throw new IllegalArgumentException("not a valid domain name: '" + domain + "'");
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                throw new IllegalArgumentException("not a valid domain name: '" + domain + "'");
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ascii = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                if (!ascii && (c < 0x80 || !Character.isLetterOrDigit(c))) {
                    throw new IllegalArgumentException("not a valid domain name: '" + domain + "'");
                }
            }
        }
        return name;
    }
}
