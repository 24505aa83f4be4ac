package org.bastionmail.dsn;

import java.nio.charset.StandardCharsets;

/** Quoted-printable (RFC 2045 6.7) for the human-readable part, so that the report itself stays 7-bit. */
final class QuotedPrintable {
    private static final int MAX_ENCODED_LINE = 76;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private QuotedPrintable() {}

    /** Encodes text whose lines end in CRLF; CRLF stays a hard line break. */
    static String encode(String text) {
        StringBuilder out = new StringBuilder(text.length() + text.length() / 8);
        String[] lines = text.split("\r\n", -1);
        for (int l = 0; l < lines.length; l++) {
            encodeLine(out, lines[l].getBytes(StandardCharsets.UTF_8));
            if (l < lines.length - 1) {
                out.append("\r\n");
            }
        }
        return out.toString();
    }

    private static void encodeLine(StringBuilder out, byte[] line) {
        int length = 0;
        for (int i = 0; i < line.length; i++) {
            int b = line[i] & 0xff;
            boolean last = i == line.length - 1;
            // Rule 3: a space or tab at the end of a line is encoded, or transports may strip it.
            boolean literal = (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !last);
            String piece = literal ? String.valueOf((char) b) : "=" + HEX[b >> 4] + HEX[b & 0xf];
            // Rule 5: lines of at most 76 characters, the soft break '=' included.
            if (length + piece.length() > MAX_ENCODED_LINE - 1) {
                out.append("=\r\n");
                length = 0;
            }
            out.append(piece);
            length += piece.length();
        }
    }
}
