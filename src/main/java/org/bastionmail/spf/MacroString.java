package org.bastionmail.spf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A parsed macro-string (RFC 7208 7.1): literal text and macro-expands such as {@code %{l2r-}}, expanded
 * later against the values of one check (RFC 7208 7.3, 7.4).
 */
final class MacroString {
    /** The longest text an expansion may produce; more is treated as an error (only hostile records get there). */
    static final int MAX_EXPANSION = 8192;
    /** More right-hand parts than any name can have: larger DIGIT transformers mean "all of them". */
    private static final int MAX_DIGITS = 256;

    /** Where a macro-string appears: which letters and characters it may hold. */
    enum Use {
        /** A domain-spec of a mechanism or modifier: no c, r, t (RFC 7208 7.3); no spaces. */
        DOMAIN,
        /** The text of an explanation TXT record (RFC 7208 6.2): all letters, spaces allowed. */
        EXPLANATION,
        /** The value of an unknown modifier: only its syntax matters (RFC 7208 6, A). */
        UNKNOWN_MODIFIER
    }

    sealed interface Part permits Literal, Macro {}

    record Literal(String text) implements Part {}

    /**
     * One {@code %{...}} expand. {@code letter} is lower case; {@code escape} is set for upper-case letters (URL
     * escaping, RFC 7208 7.3); {@code digits} 0 means "no DIGIT transformer".
     */
    record Macro(char letter, boolean escape, int digits, boolean reverse, String delimiters) implements Part {}

    /** The value of each macro letter for one check. */
    @FunctionalInterface
    interface Values {
        String of(char letter) throws SpfAbort;
    }

    private final String text;
    private final List<Part> parts;
    private final boolean endsWithMacro;

    private MacroString(String text, List<Part> parts, boolean endsWithMacro) {
        this.text = text;
        this.parts = Collections.unmodifiableList(parts);
        this.endsWithMacro = endsWithMacro;
    }

    String text() {
        return text;
    }

    List<Part> parts() {
        return parts;
    }

    /** Whether the string ends with a macro-expand (which lets a domain-spec end without a toplabel, RFC 7208 7.1). */
    boolean endsWithMacro() {
        return endsWithMacro;
    }

    static MacroString parse(String text, Use use) throws SpfSyntaxException {
        if (text.length() > MAX_EXPANSION) {
            throw new SpfSyntaxException("macro string too long");
        }
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        boolean endsWithMacro = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '%') {
                // RFC 7208 7.1: macro-literal = %x21-24 / %x26-7E; explain-string adds SP
                boolean allowed = (c >= 0x21 && c <= 0x7e) || (c == ' ' && use == Use.EXPLANATION);
                if (!allowed) {
                    throw new SpfSyntaxException("character 0x" + Integer.toHexString(c) + " not allowed");
                }
                literal.append(c);
                endsWithMacro = false;
                i++;
                continue;
            }
            if (i + 1 >= text.length()) {
                throw new SpfSyntaxException("'%' at the end of \"" + text + "\"");
            }
            char next = text.charAt(i + 1);
            switch (next) {
                case '%' -> literal.append('%');
                case '_' -> literal.append(' ');
                case '-' -> literal.append("%20");
                case '{' -> {
                    int close = text.indexOf('}', i + 2);
                    if (close < 0) {
                        throw new SpfSyntaxException("unterminated macro in \"" + text + "\"");
                    }
                    if (!literal.isEmpty()) {
                        parts.add(new Literal(literal.toString()));
                        literal.setLength(0);
                    }
                    parts.add(parseMacro(text.substring(i + 2, close), use));
                    i = close + 1;
                    endsWithMacro = true;
                    continue;
                }
                default -> throw new SpfSyntaxException("'%' followed by '" + next + "' in \"" + text + "\"");
            }
            endsWithMacro = true; // %% %_ %- are macro-expands too (RFC 7208 7.1)
            i += 2;
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return new MacroString(text, parts, endsWithMacro);
    }

    // RFC 7208 7.1: macro-letter transformers *delimiter
    private static Macro parseMacro(String body, Use use) throws SpfSyntaxException {
        if (body.isEmpty()) {
            throw new SpfSyntaxException("empty macro");
        }
        char raw = body.charAt(0);
        char letter = Character.toLowerCase(raw);
        if ("slodiphv".indexOf(letter) < 0 && !("crt".indexOf(letter) >= 0 && use != Use.DOMAIN)) {
            // RFC 7208 7.3: c, r and t are only allowed in explanation text
            throw new SpfSyntaxException("macro letter '" + raw + "' not allowed here");
        }
        if (raw > 0x7f) {
            throw new SpfSyntaxException("non-ASCII macro letter");
        }
        int i = 1;
        int digits = 0;
        int digitCount = 0;
        while (i < body.length() && body.charAt(i) >= '0' && body.charAt(i) <= '9') {
            digits = Math.min(MAX_DIGITS, digits * 10 + (body.charAt(i) - '0'));
            digitCount++;
            i++;
        }
        if (digitCount > 0 && digits == 0) {
            throw new SpfSyntaxException("DIGIT transformer must be nonzero"); // RFC 7208 7.3
        }
        boolean reverse = false;
        if (i < body.length() && (body.charAt(i) == 'r' || body.charAt(i) == 'R')) {
            reverse = true;
            i++;
        }
        String delimiters = body.substring(i);
        for (int k = 0; k < delimiters.length(); k++) {
            if (".-+,/_=".indexOf(delimiters.charAt(k)) < 0) {
                throw new SpfSyntaxException("bad delimiter '" + delimiters.charAt(k) + "' in macro");
            }
        }
        return new Macro(letter, Character.isUpperCase(raw), digits, reverse, delimiters);
    }

    /** Expands the string; an expansion longer than {@link #MAX_EXPANSION} is a permerror. */
    String expand(Values values) throws SpfAbort {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            switch (part) {
                case Literal l -> out.append(l.text());
                case Macro m -> out.append(expand(m, values.of(m.letter())));
            }
            if (out.length() > MAX_EXPANSION) {
                throw new SpfAbort(SpfVerdict.PERMERROR, "macro expansion of \"" + abbreviate(text) + "\" too long");
            }
        }
        return out.toString();
    }

    // RFC 7208 7.3: split on delimiters, optionally reverse, keep the right-hand parts, join with "."
    static String expand(Macro macro, String value) {
        String result = value;
        if (macro.digits() > 0 || macro.reverse() || !macro.delimiters().isEmpty()) {
            String delimiters = macro.delimiters().isEmpty() ? "." : macro.delimiters();
            List<String> pieces = split(value, delimiters);
            if (macro.reverse()) {
                Collections.reverse(pieces);
            }
            if (macro.digits() > 0 && macro.digits() < pieces.size()) {
                pieces = pieces.subList(pieces.size() - macro.digits(), pieces.size());
            }
            result = String.join(".", pieces);
        }
        return macro.escape() ? urlEscape(result) : result;
    }

    private static List<String> split(String value, String delimiters) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (delimiters.indexOf(value.charAt(i)) >= 0) {
                pieces.add(value.substring(start, i));
                start = i + 1;
            }
        }
        pieces.add(value.substring(start));
        return pieces;
    }

    // RFC 7208 7.3: upper-case macros are URL-escaped (RFC 3986): all but the unreserved characters
    static String urlEscape(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return out.toString();
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    @Override
    public String toString() {
        return text;
    }
}
