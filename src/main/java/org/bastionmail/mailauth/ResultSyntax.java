package org.bastionmail.mailauth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The lexical pieces of an Authentication-Results field (RFC 8601 2.2): values as token or quoted-string
 * (RFC 2045 5.1), addresses as local-part@domain, and comments (RFC 5322 3.2.2). Whatever a client, a
 * signature or DNS supplied is reduced to printable ASCII first, so no CR or LF ever reaches the header.
 */
final class ResultSyntax {
    /** Longest piece of outside text written into the field; keeps every folded line far below 998. */
    static final int MAX_TEXT = 200;
    private static final String TSPECIALS = "()<>@,;:\\\"/[]?=";
    // RFC 5322 3.2.3 dot-atom, for the local part of smtp.mailfrom
    private static final Pattern DOT_ATOM =
            Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern SPACES = Pattern.compile(" +");
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.?");

    private ResultSyntax() {}

    /** Printable ASCII only (anything else becomes '?'), at most {@code max} characters. */
    static String printable(String text, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < max; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.length() < text.length() ? out + "..." : out.toString();
    }

    static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0x20 || c >= 0x7f || TSPECIALS.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** RFC 8601 2.2 value: the text as a token when it is one, else as a quoted-string. */
    static String value(String text) {
        String v = printable(text, MAX_TEXT);
        return isToken(v) ? v : quoted(v);
    }

    /** RFC 8601 2.2 pvalue for an address: local-part@domain as is when both are plain, else a quoted-string. */
    static String address(String address) {
        String v = printable(address, MAX_TEXT);
        int at = v.lastIndexOf('@');
        if (at > 0 && DOT_ATOM.matcher(v.substring(0, at)).matches() && DOMAIN.matcher(v.substring(at + 1)).matches()) {
            return v;
        }
        if (at < 0 && DOMAIN.matcher(v).matches()) {
            return v;
        }
        return quoted(v);
    }

    /** An address as RFC 5952 4 writes IPv6 (lower case, longest zero run as "::"), IPv4 dotted. */
    static String ip(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // RFC 5952 4.2.2: a single zero group is not shortened
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    private static String quoted(String printable) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : printable.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }

    /**
     * A comment, as words the folding may break between (FWS is allowed inside a comment, RFC 5322 3.2.2);
     * parentheses and backslashes in the text are quoted-pairs.
     */
    static List<String> comment(String text) {
        StringBuilder escaped = new StringBuilder();
        for (char c : printable(text, MAX_TEXT).toCharArray()) {
            if (c == '(' || c == ')' || c == '\\') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        List<String> words = new ArrayList<>();
        for (String word : SPACES.split(escaped.toString().trim())) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        if (words.isEmpty()) {
            return List.of();
        }
        // a word ending in a lone backslash would escape the closing parenthesis; the split never makes one
        // because every backslash written is followed by the character it quotes
        words.set(0, "(" + words.getFirst());
        words.set(words.size() - 1, words.getLast() + ")");
        return List.copyOf(words);
    }
}
