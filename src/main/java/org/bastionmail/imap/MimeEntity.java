package org.bastionmail.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.field.ContentDispositionField;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.field.ContentDispositionFieldLenientImpl;
import org.apache.james.mime4j.field.ContentTypeFieldLenientImpl;
import org.apache.james.mime4j.stream.RawField;

/**
 * One entity of a message (the message itself, a body part, or an encapsulated message), located by byte
 * offsets in the raw message so that section fetches (RFC 9051 6.4.5) return the exact octets stored.
 * Header fields are interpreted by Apache Mime4j's lenient parsers. Anything malformed degrades to a
 * plain part: a broken message is still served.
 */
final class MimeEntity {
    /** Deeper nesting is served as an opaque part (hostile messages nest thousands deep). */
    static final int MAX_DEPTH = 32;
    private static final int MAX_PARTS = 2_000;

    final byte[] raw;
    final int start;
    final int bodyStart;
    final int end;
    final List<HeaderField> fields;
    final String type;
    final String subtype;
    final Map<String, String> params;
    final List<MimeEntity> children;
    /** For message/rfc822 parts: the encapsulated message. */
    final Optional<MimeEntity> message;

    record HeaderField(String name, String value, int start, int end) {}

    private MimeEntity(byte[] raw, int start, int end, boolean defaultRfc822, int depth, int[] budget) {
        this.raw = raw;
        this.start = start;
        this.end = end;
        this.fields = new ArrayList<>();
        this.bodyStart = parseHeader(raw, start, end, fields);
        ContentTypeField ct = contentType(defaultRfc822);
        String t = ct == null ? null : ct.getMediaType();
        String s = ct == null ? null : ct.getSubType();
        if (t == null || t.isEmpty() || s == null || s.isEmpty()) {
            t = defaultRfc822 ? "message" : "text";
            s = defaultRfc822 ? "rfc822" : "plain";
        }
        this.type = t.toLowerCase(Locale.ROOT);
        this.subtype = s.toLowerCase(Locale.ROOT);
        this.params = ct == null || ct.getParameters() == null ? Map.of() : ct.getParameters();
        List<MimeEntity> parts = new ArrayList<>();
        Optional<MimeEntity> inner = Optional.empty();
        budget[0]--;
        if (depth < MAX_DEPTH && budget[0] > 0) {
            if (type.equals("multipart") && params.get("boundary") != null && !params.get("boundary").isEmpty()) {
                boolean digest = subtype.equals("digest");
                for (int[] range : split(raw, bodyStart, end, params.get("boundary"))) {
                    if (budget[0] <= 0) {
                        break;
                    }
                    parts.add(new MimeEntity(raw, range[0], range[1], digest, depth + 1, budget));
                }
            } else if (isMessage()) {
                inner = Optional.of(new MimeEntity(raw, bodyStart, end, false, depth + 1, budget));
            }
        }
        this.children = List.copyOf(parts);
        this.message = inner;
    }

    /** The structure of a whole message. */
    static MimeEntity parse(byte[] raw) {
        return new MimeEntity(raw, 0, raw.length, false, 0, new int[] {MAX_PARTS});
    }

    boolean isMultipart() {
        return type.equals("multipart") && !children.isEmpty();
    }

    boolean isMessage() {
        return type.equals("message") && (subtype.equals("rfc822") || subtype.equals("global"));
    }

    /** The first value of a header field, unfolded, or null. */
    String field(String name) {
        for (HeaderField f : fields) {
            if (f.name.equalsIgnoreCase(name)) {
                return f.value;
            }
        }
        return null;
    }

    byte[] bytes(int from, int to) {
        return java.util.Arrays.copyOfRange(raw, from, to);
    }

    byte[] header() {
        return bytes(start, bodyStart);
    }

    byte[] body() {
        return bytes(bodyStart, end);
    }

    int bodySize() {
        return end - bodyStart;
    }

    /** RFC 9051 7.5.2 body-fld-lines: lines of the encoded body. */
    int bodyLines() {
        int lines = 0;
        for (int i = bodyStart; i < end; i++) {
            if (raw[i] == '\n') {
                lines++;
            }
        }
        if (end > bodyStart && raw[end - 1] != '\n') {
            lines++;
        }
        return lines;
    }

    String transferEncoding() {
        String value = field("Content-Transfer-Encoding");
        return value == null || value.isBlank() ? "7bit" : value.trim().toLowerCase(Locale.ROOT);
    }

    Optional<ContentDispositionField> disposition() {
        String value = field("Content-Disposition");
        if (value == null) {
            return Optional.empty();
        }
        ContentDispositionField field;
        try {
            field = ContentDispositionFieldLenientImpl.PARSER.parse(
                    new RawField("Content-Disposition", value), DecodeMonitor.SILENT);
        } catch (RuntimeException e) {
            // e.g. a bare CR in the value, which Mime4j's RawField refuses: no disposition (found by fuzzing)
            return Optional.empty();
        }
        return field.getDispositionType() == null || field.getDispositionType().isEmpty()
                ? Optional.empty() : Optional.of(field);
    }

    private ContentTypeField contentType(boolean defaultRfc822) {
        String value = field("Content-Type");
        if (value == null) {
            return null;
        }
        try {
            return ContentTypeFieldLenientImpl.PARSER.parse(new RawField("Content-Type", value), DecodeMonitor.SILENT);
        } catch (RuntimeException e) {
            return null; // malformed: the RFC 2045 5.2 default applies
        }
    }

    /** Reads the header fields; returns where the body starts (after the empty line). */
    private static int parseHeader(byte[] raw, int start, int end, List<HeaderField> fields) {
        int pos = start;
        int fieldStart = -1;
        StringBuilder current = null;
        while (pos < end) {
            int lineEnd = pos;
            while (lineEnd < end && raw[lineEnd] != '\n') {
                lineEnd++;
            }
            int next = Math.min(end, lineEnd + 1);
            int contentEnd = lineEnd > pos && raw[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            if (contentEnd == pos) {
                finish(current, fieldStart, pos, fields);
                return next; // the empty line belongs to the header
            }
            String line = new String(raw, pos, contentEnd - pos, StandardCharsets.UTF_8);
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current.append(line); // RFC 5322 2.2.3 unfolding
            } else {
                finish(current, fieldStart, pos, fields);
                current = new StringBuilder(line);
                fieldStart = pos;
            }
            pos = next;
        }
        finish(current, fieldStart, pos, fields);
        return end; // no empty line: all header, empty body
    }

    private static void finish(StringBuilder current, int start, int end, List<HeaderField> fields) {
        if (current == null || fields.size() >= 1000) {
            return;
        }
        int colon = current.indexOf(":");
        if (colon <= 0) {
            return; // not a field: ignored, as lenient parsers do
        }
        fields.add(new HeaderField(current.substring(0, colon).trim(), current.substring(colon + 1).trim(), start, end));
    }

    /**
     * RFC 2046 5.1.1: the parts between "--boundary" lines. A part ends before the CRLF that precedes the
     * next delimiter; a missing close delimiter ends the last part at the end of the body.
     */
    private static List<int[]> split(byte[] raw, int start, int end, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<int[]> parts = new ArrayList<>();
        int partStart = -1;
        int pos = start;
        while (pos < end) {
            int lineEnd = pos;
            while (lineEnd < end && raw[lineEnd] != '\n') {
                lineEnd++;
            }
            if (startsWith(raw, pos, lineEnd, delimiter)) {
                int after = pos + delimiter.length;
                boolean close = after + 1 < end && raw[after] == '-' && raw[after + 1] == '-';
                if (partStart >= 0) {
                    int partEnd = pos;
                    if (partEnd > partStart && raw[partEnd - 1] == '\n') {
                        partEnd--;
                        if (partEnd > partStart && raw[partEnd - 1] == '\r') {
                            partEnd--;
                        }
                    }
                    parts.add(new int[] {partStart, Math.max(partStart, partEnd)});
                }
                if (close) {
                    return parts;
                }
                partStart = Math.min(end, lineEnd + 1);
            }
            pos = lineEnd + 1;
        }
        if (partStart >= 0 && partStart <= end) {
            parts.add(new int[] {partStart, end});
        }
        return parts;
    }

    private static boolean startsWith(byte[] raw, int pos, int lineEnd, byte[] prefix) {
        if (lineEnd - pos < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (raw[pos + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
