package org.bastionmail.smtp.client;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads replies strictly (RFC 5321 4.2): every line is a three-digit code, then "-" (more lines follow)
 * or a space or nothing (the last line), then text, then CRLF. All lines of a reply carry the same code.
 * Line length and line count are bounded, so a hostile server cannot make the client buffer without end.
 */
final class ReplyReader {
    /** RFC 3463 2: class.subject.detail, the class matching the reply's first digit (RFC 2034 4). */
    private static final Pattern ENHANCED = Pattern.compile("([245])\\.(\\d{1,3})\\.(\\d{1,3})(?: +|$)");

    private final InputStream in;
    private final int maxLineLength;
    private final int maxLines;

    ReplyReader(InputStream in, int maxLineLength, int maxLines) {
        this.in = in;
        this.maxLineLength = maxLineLength;
        this.maxLines = maxLines;
    }

    SmtpReply read() throws IOException {
        List<String> texts = new ArrayList<>();
        int code = -1;
        while (true) {
            String line = readLine();
            if (line.length() < 3 || !isCode(line)) {
                throw new ProtocolException("malformed reply line: " + printable(line));
            }
            int lineCode = Integer.parseInt(line.substring(0, 3));
            if (code != -1 && lineCode != code) {
                throw new ProtocolException("reply lines with different codes: " + code + " and " + lineCode);
            }
            code = lineCode;
            boolean more = line.length() > 3 && line.charAt(3) == '-';
            if (line.length() > 3 && !more && line.charAt(3) != ' ') {
                throw new ProtocolException("malformed reply line: " + printable(line));
            }
            texts.add(line.length() > 4 ? line.substring(4) : "");
            if (!more) {
                break;
            }
            if (texts.size() >= maxLines) {
                throw new ProtocolException("reply has more than " + maxLines + " lines");
            }
        }
        return withEnhancedCode(code, texts);
    }

    private static SmtpReply withEnhancedCode(int code, List<String> texts) {
        Matcher m = ENHANCED.matcher(texts.getFirst());
        if (!m.lookingAt() || m.group(1).charAt(0) - '0' != code / 100) {
            return new SmtpReply(code, Optional.empty(), texts, false);
        }
        String enhanced = m.group(1) + "." + m.group(2) + "." + m.group(3);
        // RFC 2034 4: every line of a multi-line reply starts with the enhanced code; strip it from each
        List<String> stripped = new ArrayList<>();
        for (String text : texts) {
            Matcher each = ENHANCED.matcher(text);
            stripped.add(each.lookingAt() ? text.substring(each.end()) : text);
        }
        return new SmtpReply(code, Optional.of(enhanced), stripped, false);
    }

    /** RFC 5321 4.2: the first digit is 2 to 5, the second 0 to 5. */
    private static boolean isCode(String line) {
        char a = line.charAt(0);
        char b = line.charAt(1);
        char c = line.charAt(2);
        return a >= '2' && a <= '5' && b >= '0' && b <= '5' && c >= '0' && c <= '9';
    }

    /** One CRLF-terminated line as UTF-8 (RFC 6531 may put UTF-8 in replies); bare CR or LF is an error. */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed by server" + (line.size() > 0 ? " mid-line" : ""));
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new ProtocolException("bare CR in reply");
                }
                return line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                throw new ProtocolException("bare LF in reply");
            }
            if (b == 0) {
                throw new ProtocolException("NUL in reply");
            }
            if (line.size() + 2 >= maxLineLength) {
                throw new ProtocolException("reply line longer than " + maxLineLength + " octets");
            }
            line.write(b);
        }
    }

    private static String printable(String line) {
        String cut = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** The server broke the reply syntax: the connection cannot be trusted any more. */
    static final class ProtocolException extends IOException {
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message);
        }
    }
}
