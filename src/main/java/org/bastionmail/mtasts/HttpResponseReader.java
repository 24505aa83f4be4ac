package org.bastionmail.mtasts;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one HTTP/1.1 response (RFC 9112) with limits on every part: the status line and header lines,
 * the number of header fields, and the body, whether framed by Content-Length, chunked, or by the
 * connection closing.
 */
final class HttpResponseReader {
    private static final int MAX_LINE = 8192;
    private static final int MAX_HEADERS = 100;
    private static final int MAX_INTERIM = 5;

    private final InputStream in;
    private final int maxBody;

    HttpResponseReader(InputStream in, int maxBody) {
        this.in = new BufferedInputStream(in, 8192);
        this.maxBody = maxBody;
    }

    record Response(int status, Map<String, String> headers, byte[] body) {
        Optional<String> header(String lowerCaseName) {
            return Optional.ofNullable(headers.get(lowerCaseName));
        }
    }

    /** A response that breaks HTTP/1.1 framing or a limit. */
    static final class BadResponse extends IOException {
        private static final long serialVersionUID = 1L;

        BadResponse(String message) {
            super(message);
        }
    }

    Response read() throws IOException {
        for (int interim = 0; interim <= MAX_INTERIM; interim++) {
            int status = statusLine(line());
            Map<String, String> headers = headers();
            if (status >= 100 && status < 200) {
                continue; // RFC 9110 15.2: an interim response precedes the final one
            }
            return new Response(status, headers, body(headers));
        }
        throw new BadResponse("too many interim responses");
    }

    /** RFC 9112 4: status-line = HTTP-version SP status-code SP [ reason-phrase ]. */
    private static int statusLine(String line) throws BadResponse {
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' '
                || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw new BadResponse("not an HTTP/1.x status line");
        }
        String code = line.substring(9, 12);
        if (!code.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadResponse("bad status code");
        }
        int status = Integer.parseInt(code);
        // RFC 9110 15: the first digit gives the class, 1 to 5; "000" or "999" is no status (found by fuzzing)
        if (status < 100 || status > 599) {
            throw new BadResponse("status code out of range");
        }
        return status;
    }

    private Map<String, String> headers() throws IOException {
        Map<String, String> headers = new HashMap<>();
        for (int count = 0; ; count++) {
            String line = line();
            if (line.isEmpty()) {
                return headers;
            }
            if (count == MAX_HEADERS) {
                throw new BadResponse("more than " + MAX_HEADERS + " header fields");
            }
            int colon = line.indexOf(':');
            // RFC 9112 5.2: obsolete line folding (a line starting with white space) is refused here.
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.substring(0, colon).contains(" ")) {
                throw new BadResponse("malformed header field");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            String previous = headers.putIfAbsent(name, value);
            if (previous != null && !previous.equals(value)
                    && (name.equals("content-length") || name.equals("content-type"))) {
                throw new BadResponse("conflicting " + name + " fields");
            }
            if (previous != null && name.equals("transfer-encoding")) {
                headers.put(name, previous + ", " + value);
            }
        }
    }

    private byte[] body(Map<String, String> headers) throws IOException {
        String encoding = headers.get("transfer-encoding");
        if (encoding != null) {
            // RFC 9112 6.1: only "chunked" frames a response; Content-Length is then ignored.
            if (!encoding.equalsIgnoreCase("chunked")) {
                throw new BadResponse("unsupported transfer coding");
            }
            return chunked();
        }
        String length = headers.get("content-length");
        if (length != null) {
            if (length.isEmpty() || length.length() > 12 || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new BadResponse("bad Content-Length");
            }
            long declared = Long.parseLong(length);
            if (declared > maxBody) {
                throw new BadResponse("policy larger than " + maxBody + " bytes");
            }
            byte[] body = in.readNBytes((int) declared);
            if (body.length != declared) {
                throw new BadResponse("body shorter than its Content-Length");
            }
            return body;
        }
        byte[] body = in.readNBytes(maxBody + 1);
        if (body.length > maxBody) {
            throw new BadResponse("policy larger than " + maxBody + " bytes");
        }
        return body;
    }

    /** RFC 9112 7.1: chunk-size [ chunk-ext ] CRLF chunk-data CRLF ... last-chunk trailer-section CRLF. */
    private byte[] chunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String line = line();
            int semicolon = line.indexOf(';');
            String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
            if (hex.isEmpty() || hex.length() > 8 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new BadResponse("bad chunk size");
            }
            long size = Long.parseLong(hex, 16);
            if (size == 0) {
                break;
            }
            if (body.size() + size > maxBody) {
                throw new BadResponse("policy larger than " + maxBody + " bytes");
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length != size) {
                throw new BadResponse("connection closed inside a chunk");
            }
            body.write(chunk);
            if (!line().isEmpty()) {
                throw new BadResponse("chunk not followed by CRLF");
            }
        }
        for (int trailers = 0; !line().isEmpty(); trailers++) {
            if (trailers == MAX_HEADERS) {
                throw new BadResponse("too many trailer fields");
            }
        }
        return body.toByteArray();
    }

    /** One line ended by CRLF (or a lone LF, RFC 9112 2.2), without its end; ISO-8859-1 keeps bytes as they are. */
    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new BadResponse("connection closed in the response head");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (line.size() == MAX_LINE) {
                throw new BadResponse("line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
    }
}
