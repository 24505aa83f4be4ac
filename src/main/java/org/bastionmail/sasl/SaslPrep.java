package org.bastionmail.sasl;

import java.text.Normalizer;

/**
 * The parts of SASLprep (RFC 4013) that make a password hash the same on client and server: mapping
 * (RFC 4013 2.1) and NFKC normalisation (RFC 4013 2.2), and refusal of control characters (RFC 4013
 * 2.3, tables C.2). Unassigned code points and the bidi rules are not checked.
 */
final class SaslPrep {
    private SaslPrep() {}

    /** Prepares {@code text}; throws IllegalArgumentException if it holds a prohibited character. */
    static String prepare(CharSequence text) {
        StringBuilder mapped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isNonAsciiSpace(c)) {
                mapped.append(' '); // RFC 4013 2.1, table C.1.2
            } else if (!isMappedToNothing(c)) {
                mapped.append(c); // RFC 3454 table B.1 is dropped
            }
        }
        String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        for (int i = 0; i < normalized.length(); i++) {
            char c = normalized.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0xfffe || c == 0xffff) {
                throw new IllegalArgumentException("contains a control character");
            }
            if (Character.isSurrogate(c) && !isPairedSurrogate(normalized, i)) {
                throw new IllegalArgumentException("contains an unpaired surrogate");
            }
        }
        return normalized;
    }

    private static boolean isPairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static boolean isNonAsciiSpace(char c) {
        return c == 0x00a0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200b) || c == 0x202f || c == 0x205f
                || c == 0x3000;
    }

    private static boolean isMappedToNothing(char c) {
        return c == 0x00ad || c == 0x034f || c == 0x1806 || (c >= 0x180b && c <= 0x180d)
                || (c >= 0x200c && c <= 0x200d) || c == 0x2060 || (c >= 0xfe00 && c <= 0xfe0f) || c == 0xfeff;
    }
}
