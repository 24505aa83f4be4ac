package org.bastionmail.dsn;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * The part of the original message a DSN carries back (RFC 6522 3, RFC 3464 2): all of it, or its header
 * section, never more than the limit and always in CRLF lines of at most 998 bytes.
 *
 * @param bytes the content, ending in CRLF unless empty
 * @param headersOnly whether only (part of) the header section is returned
 * @param eightBit whether a byte above 127 occurs (the part is then declared 8bit)
 */
record ReturnedContent(byte[] bytes, boolean headersOnly, boolean eightBit) {
    private static final int MAX_LINE = 998;

    /**
     * Reads at most {@code limit + 1} bytes: enough to know whether the whole message fits.
     *
     * @param prepended header fields the queue keeps in front of the stored content
     * @param wantFull whether the whole message is asked for (RFC 3461 4.3 RET)
     */
    static ReturnedContent read(byte[] prepended, InputStream content, int limit, boolean wantFull)
            throws IOException {
        byte[] head = new SequenceInputStream(new ByteArrayInputStream(prepended), content).readNBytes(limit + 1);
        boolean complete = head.length <= limit;
        byte[] lines = crlf(head, complete);
        if (wantFull && complete && lines.length <= limit && longestLine(lines) <= MAX_LINE) {
            return of(lines, false);
        }
        int end = headerEnd(lines);
        // Without an empty line, a whole message is all header section; a cut one loses its last field.
        byte[] section = end >= 0 ? java.util.Arrays.copyOf(lines, end) : lines;
        return of(cutAtField(section, limit, complete || end >= 0), true);
    }

    private static ReturnedContent of(byte[] bytes, boolean headersOnly) {
        boolean eightBit = false;
        for (byte b : bytes) {
            if (b < 0) {
                eightBit = true;
                break;
            }
        }
        return new ReturnedContent(bytes, headersOnly, eightBit);
    }

    /**
     * Bare CR and bare LF become CRLF, and the text ends in CRLF. When {@code complete} is false the last
     * line was cut by the read limit, and a last line without its line break is dropped.
     */
    static byte[] crlf(byte[] in, boolean complete) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 16);
        int lineStart = 0;
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == '\r' || b == '\n') {
                if (b == '\r' && i + 1 < in.length && in[i + 1] == '\n') {
                    i++;
                }
                out.write('\r');
                out.write('\n');
                lineStart = out.size();
            } else {
                out.write(b);
            }
        }
        byte[] bytes = out.toByteArray();
        if (lineStart == bytes.length) {
            return bytes;
        }
        if (!complete) {
            return java.util.Arrays.copyOf(bytes, lineStart);
        }
        byte[] ended = java.util.Arrays.copyOf(bytes, bytes.length + 2);
        ended[bytes.length] = '\r';
        ended[bytes.length + 1] = '\n';
        return ended;
    }

    /** The offset just past the header section's last CRLF, or -1 when no empty line was read. */
    private static int headerEnd(byte[] lines) {
        if (lines.length >= 2 && lines[0] == '\r' && lines[1] == '\n') {
            return 0;
        }
        for (int i = 0; i + 3 < lines.length; i++) {
            if (lines[i] == '\r' && lines[i + 1] == '\n' && lines[i + 2] == '\r' && lines[i + 3] == '\n') {
                return i + 2;
            }
        }
        return -1;
    }

    /**
     * Keeps whole fields only: stops before the field in which a line passes 998 bytes or the limit is
     * reached; when {@code lastFieldWhole} is false the last field may continue beyond what was read and
     * is dropped too.
     */
    private static byte[] cutAtField(byte[] section, int limit, boolean lastFieldWhole) {
        int fieldStart = 0;
        int lineStart = 0;
        while (lineStart < section.length) {
            int lineEnd = lineStart;
            while (section[lineEnd] != '\r') {
                lineEnd++;
            }
            int next = lineEnd + 2;
            boolean continuation = lineStart > 0 && (section[lineStart] == ' ' || section[lineStart] == '\t');
            if (!continuation) {
                fieldStart = lineStart;
            }
            if (lineEnd - lineStart > MAX_LINE || next > limit) {
                return java.util.Arrays.copyOf(section, fieldStart);
            }
            lineStart = next;
        }
        return lastFieldWhole ? section : java.util.Arrays.copyOf(section, fieldStart);
    }

    private static int longestLine(byte[] lines) {
        int longest = 0;
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i] == '\r') {
                longest = Math.max(longest, i - start);
                start = i + 2;
            }
        }
        return longest;
    }
}
