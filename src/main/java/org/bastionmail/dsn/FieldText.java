package org.bastionmail.dsn;

/**
 * Turns untrusted text (a remote server's reply, an ENVID, an ORCPT) into text that can sit in a header
 * field or a line of the report: no control character survives, so no CR or LF can end a field early
 * and start one of the sender's choosing.
 */
final class FieldText {
    /** RFC 5322 2.1.1 recommends 78; nothing may pass 998. */
    private static final int FOLD_AT = 78;
    private static final int MAX_LINE = 998;

    private FieldText() {}

    /** Printable US-ASCII only: controls become spaces, anything else {@code ?}; runs of spaces shrink. */
    static String ascii(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char safe = c < 0x20 || c == 0x7f ? ' ' : c > 0x7e ? '?' : c;
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++; // one '?' for one code point
            }
            appendCollapsing(out, safe);
        }
        return out.toString().strip();
    }

    /** Like {@link #ascii} but keeps non-ASCII characters (RFC 6532, RFC 6533 global types). */
    static String utf8(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029';
            boolean loneSurrogate = Character.isSurrogate(c)
                    && !(Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1)))
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1)));
            appendCollapsing(out, control ? ' ' : loneSurrogate ? '?' : c);
        }
        return out.toString().strip();
    }

    private static void appendCollapsing(StringBuilder out, char c) {
        if (c == ' ' && !out.isEmpty() && out.charAt(out.length() - 1) == ' ') {
            return;
        }
        out.append(c);
    }

    static boolean isAscii(String text) {
        return text.chars().allMatch(c -> c < 0x80);
    }

    /** Cuts text to at most {@code max} characters, marking the cut. */
    static String cap(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }

    /**
     * RFC 6533 3: utf-8-addr-unitext. QUCHAR is printable ASCII but '+', '=' and '\', and UTF-8; every
     * other character is written as {@code \x{HEX}}.
     */
    static String unitext(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            boolean quchar = (cp >= 0x21 && cp <= 0x7e && cp != '+' && cp != '=' && cp != '\\') || cp >= 0xa0;
            if (quchar && !Character.isSurrogate((char) Math.min(cp, 0xffff))) {
                out.appendCodePoint(cp);
            } else {
                out.append("\\x{").append(Integer.toHexString(cp).toUpperCase(java.util.Locale.ROOT)).append('}');
            }
        });
        return out.toString();
    }

    /**
     * Writes {@code name: value} with CRLF, folded at spaces near 78 characters (RFC 5322 2.2.3); a word
     * too long for a line is cut so that no line passes 998. {@code value} must be sanitised already.
     */
    static void field(StringBuilder out, String name, String value) {
        StringBuilder line = new StringBuilder(name).append(':');
        int lineLength = line.length();
        for (String word : value.split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            if (word.length() > MAX_LINE - 2) {
                word = word.substring(0, MAX_LINE - 2);
            }
            if (lineLength + 1 + word.length() > FOLD_AT && lineLength > name.length() + 1) {
                line.append("\r\n");
                lineLength = 0;
            }
            line.append(' ').append(word);
            lineLength += 1 + word.length();
        }
        out.append(line).append("\r\n");
    }
}
