package org.bastionmail.dkim;

import java.util.Locale;

/**
 * One header field exactly as it appears in the message: {@code raw} holds its bytes (ISO-8859-1, so one
 * char per byte and UTF-8 header text survives unchanged) including the folding and the final CRLF.
 */
record HeaderField(String name, String raw) {
    boolean hasName(String other) {
        return name.equalsIgnoreCase(other);
    }

    /** The text after the colon, folding and final CRLF included. */
    String value() {
        return raw.substring(raw.indexOf(':') + 1);
    }

    String lowerName() {
        return name.toLowerCase(Locale.ROOT);
    }
}
