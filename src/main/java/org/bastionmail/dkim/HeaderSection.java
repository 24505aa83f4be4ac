package org.bastionmail.dkim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The header fields of an RFC 5322 message with CRLF line ends, and where the body starts.
 *
 * <p>Bounded: a message with more fields or a larger header section than the limits is refused, so a
 * hostile message cannot make DKIM work grow without bound.
 */
record HeaderSection(List<HeaderField> fields, int bodyOffset) {
    HeaderSection {
        fields = List.copyOf(fields);
    }

    static HeaderSection parse(byte[] message, int maxFields, int maxBytes) throws DkimFailure {
        List<HeaderField> fields = new ArrayList<>();
        int pos = 0;
        int n = message.length;
        while (pos < n) {
            if (pos > maxBytes) {
                throw DkimFailure.perm("header section larger than " + maxBytes + " bytes");
            }
            // RFC 5322 2.1: the header section ends at the first empty line
            if (startsCrlf(message, pos)) {
                return new HeaderSection(fields, pos + 2);
            }
            if (message[pos] == ' ' || message[pos] == '\t') {
                throw DkimFailure.perm("header section starts with a continuation line");
            }
            int start = pos;
            int end = endOfField(message, pos, Math.min(n, start + maxBytes + 1));
            String raw = new String(message, start, end - start, StandardCharsets.ISO_8859_1);
            int colon = raw.indexOf(':');
            if (colon <= 0) {
                throw DkimFailure.perm("malformed header field: " + TagList.abbreviate(raw));
            }
            String name = raw.substring(0, colon);
            if (!isFieldName(name)) {
                throw DkimFailure.perm("malformed header field name: " + TagList.abbreviate(name));
            }
            if (fields.size() >= maxFields) {
                throw DkimFailure.perm("more than " + maxFields + " header fields");
            }
            fields.add(new HeaderField(name, raw));
            pos = end;
        }
        // No empty line: a message of header fields only, with an empty body
        return new HeaderSection(fields, n);
    }

    /** End (exclusive, after its CRLF) of the field starting at pos: unfold across CRLF followed by WSP. */
    private static int endOfField(byte[] m, int pos, int limit) {
        int i = pos;
        while (i < limit) {
            if (startsCrlf(m, i)) {
                int next = i + 2;
                if (next < m.length && (m[next] == ' ' || m[next] == '\t')) {
                    i = next;
                    continue;
                }
                return next;
            }
            i++;
        }
        return i;
    }

    private static boolean startsCrlf(byte[] m, int i) {
        return i + 1 < m.length && m[i] == '\r' && m[i + 1] == '\n';
    }

    // RFC 5322 3.6.8: ftext = %d33-57 / %d59-126
    private static boolean isFieldName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 33 || c > 126 || c == ':') {
                return false;
            }
        }
        return true;
    }
}
