package org.bastionmail.dkim;

/** The header and body canonicalisation algorithms of RFC 6376 3.4. */
public enum Canonicalization {
    SIMPLE,
    RELAXED;

    String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Canonicalization ofTag(String tag) throws DkimFailure {
        return switch (tag.toLowerCase(java.util.Locale.ROOT)) {
            case "simple" -> SIMPLE;
            case "relaxed" -> RELAXED;
            default -> throw DkimFailure.perm("unknown canonicalization " + TagList.abbreviate(tag));
        };
    }

    /** The canonical form of a header field, ending in CRLF (RFC 6376 3.4.1, 3.4.2). */
    String header(HeaderField field) {
        if (this == SIMPLE) {
            return field.raw().endsWith("\r\n") ? field.raw() : field.raw() + "\r\n";
        }
        return field.lowerName() + ":" + relaxedValue(field.value()) + "\r\n";
    }

    // RFC 6376 3.4.2: unfold, reduce every run of WSP to one SP, delete WSP at the end and after the colon
    // (the name was split off at the colon, so WSP before it belongs to the name's trailing WSP: trimmed too)
    static String relaxedValue(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        boolean pendingSpace = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') {
                continue;
            }
            if (c == ' ' || c == '\t') {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace && !sb.isEmpty()) {
                sb.append(' ');
            }
            pendingSpace = false;
            sb.append(c);
        }
        return sb.toString();
    }
}
