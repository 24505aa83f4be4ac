package org.bastionmail.mailauth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Removes forged Authentication-Results fields: RFC 8601 5 requires a receiver to delete every such field
 * that claims its own authserv-id before adding its own, or a sender could write "dkim=pass" for us.
 *
 * <p>The authserv-id is read as RFC 8601 2.2 writes it: after optional comments and folding white space, a
 * token or a quoted-string, followed by an optional version; it is compared case-insensitively (a trailing
 * dot ignored). A field whose id cannot be parsed is removed when our id appears in it at all: a lenient
 * reader downstream might still attribute it to us. Every other field is kept byte for byte, and so is
 * everything after the blank line that ends the header section.
 */
public final class ForeignAuthenticationResults {
    private static final String NAME = "authentication-results";
    private static final int MAX_COMMENT_DEPTH = 32;

    private ForeignAuthenticationResults() {}

    /** The header section (or whole message) without the Authentication-Results fields claiming {@code authservId}. */
    public static byte[] strip(byte[] headerSection, String authservId) {
        Objects.requireNonNull(headerSection, "headerSection");
        String ours = normalize(Objects.requireNonNull(authservId, "authservId"));
        if (ours.isEmpty()) {
            throw new IllegalArgumentException("empty authserv-id");
        }
        // ISO-8859-1 maps every byte to one char and back, so kept fields stay byte for byte
        String text = new String(headerSection, StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(headerSection.length);
        int pos = 0;
        while (pos < text.length()) {
            int end = lineEnd(text, pos);
            String line = text.substring(pos, end);
            if (line.equals("\r\n") || line.equals("\n")) {
                // RFC 5322 2.1: the empty line ends the header section; the rest is the body, copied as is
                write(out, text.substring(pos));
                break;
            }
            // a field is its first line and every continuation line starting with white space (RFC 5322 2.2.3)
            while (end < text.length() && (text.charAt(end) == ' ' || text.charAt(end) == '\t')) {
                end = lineEnd(text, end);
            }
            String field = text.substring(pos, end);
            if (!claimsOurs(field, ours)) {
                write(out, field);
            }
            pos = end;
        }
        return out.toByteArray();
    }

    private static boolean claimsOurs(String field, String ours) {
        int colon = field.indexOf(':');
        if (colon < 0) {
            return false;
        }
        // RFC 5322 4.5.x obs-optional: white space may stand between the name and the colon
        // Leniently: a name with control characters or white space around it may still be read as
        // Authentication-Results by someone downstream, so those are removed too
        String name = field.substring(0, colon).replaceAll("[\\x00-\\x20\\x7f]", "").toLowerCase(Locale.ROOT);
        if (!name.equals(NAME)) {
            return false;
        }
        String value = field.substring(colon + 1).replace("\r", "").replace("\n", "");
        Optional<String> id = authservId(value);
        if (id.isPresent()) {
            return normalize(id.get()).equals(ours);
        }
        return value.toLowerCase(Locale.ROOT).contains(ours);
    }

    /** RFC 8601 2.2: [CFWS] authserv-id, where authserv-id = value (token / quoted-string, RFC 2045 5.1). */
    static Optional<String> authservId(String value) {
        int pos = skipCfws(value, 0);
        if (pos < 0 || pos >= value.length()) {
            return Optional.empty();
        }
        StringBuilder id = new StringBuilder();
        if (value.charAt(pos) == '"') {
            pos++;
            while (true) {
                if (pos >= value.length()) {
                    return Optional.empty();
                }
                char c = value.charAt(pos++);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    if (pos >= value.length()) {
                        return Optional.empty();
                    }
                    c = value.charAt(pos++);
                }
                id.append(c);
            }
        } else {
            while (pos < value.length() && ResultSyntax.isToken(String.valueOf(value.charAt(pos)))) {
                id.append(value.charAt(pos++));
            }
        }
        // what follows the id: CFWS, a version, ";" or the end (the "none" form starts with ";" too)
        if (id.isEmpty() || (pos < value.length() && " \t(;".indexOf(value.charAt(pos)) < 0)) {
            return Optional.empty();
        }
        return Optional.of(id.toString());
    }

    /** Skips white space and (nested) comments; -1 when a comment does not end or nests too deep. */
    private static int skipCfws(String s, int start) {
        int pos = start;
        int depth = 0;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (depth == 0 && (c == ' ' || c == '\t')) {
                pos++;
            } else if (c == '(') {
                if (++depth > MAX_COMMENT_DEPTH) {
                    return -1;
                }
                pos++;
            } else if (depth > 0 && c == ')') {
                depth--;
                pos++;
            } else if (depth > 0 && c == '\\') {
                pos += 2;
            } else if (depth > 0) {
                pos++;
            } else {
                return pos;
            }
        }
        return depth == 0 ? pos : -1;
    }

    private static String normalize(String id) {
        String n = id.strip().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static int lineEnd(String text, int from) {
        int lf = text.indexOf('\n', from);
        return lf < 0 ? text.length() : lf + 1;
    }

    private static void write(ByteArrayOutputStream out, String latin1) {
        out.writeBytes(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }
}
