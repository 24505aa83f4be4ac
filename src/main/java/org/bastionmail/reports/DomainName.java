package org.bastionmail.reports;

import java.util.regex.Pattern;

/** The names this package writes into header fields, file names and DNS queries. */
final class DomainName {
    private static final Pattern PLAIN =
            Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");

    private DomainName() {}

    /**
     * Lower-case LDH labels (RFC 5890 2.3.1; A-labels included), at least two of them, at most 253
     * characters: nothing that could break out of a header field, a path or a query name.
     */
    static boolean isPlain(String name) {
        return name.length() <= 253 && PLAIN.matcher(name).matches();
    }
}
