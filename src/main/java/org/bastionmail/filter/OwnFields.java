package org.bastionmail.filter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Removes from a received header section the fields only Bastion may write (a sender could forge them). */
final class OwnFields {
    private OwnFields() {}

    /**
     * The header section without any field called {@code name} (case-insensitive), folded lines included;
     * every other byte is kept. Names are compared without control characters or spaces, so a look-alike
     * such as {@code "\\u001cX-Bastion-Virus-Scan"} goes too.
     */
    static byte[] remove(byte[] headerSection, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        ByteArrayOutputStream kept = new ByteArrayOutputStream(headerSection.length);
        boolean dropping = false;
        int start = 0;
        while (start < headerSection.length) {
            int end = start;
            while (end < headerSection.length && headerSection[end] != '\n') {
                end++;
            }
            end = Math.min(end + 1, headerSection.length);
            String line = new String(headerSection, start, end - start, StandardCharsets.ISO_8859_1);
            boolean continuation = !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t');
            if (!continuation) {
                int colon = line.indexOf(':');
                String field = colon < 0 ? "" : line.substring(0, colon).replaceAll("[\\x00-\\x20\\x7f]", "");
                dropping = field.toLowerCase(Locale.ROOT).equals(wanted);
            }
            if (!dropping) {
                kept.write(headerSection, start, end - start);
            }
            start = end;
        }
        return kept.toByteArray();
    }
}
