package org.bastionmail.spf;

import java.util.regex.Pattern;

/**
 * The value of a Received-SPF header field for a check (RFC 7208 9.1), e.g.
 * {@code pass (mx.example.org: domain of a@example.com designates 192.0.2.1 as permitted sender)
 * client-ip=192.0.2.1; envelope-from="a@example.com"; helo=foo.example.com; receiver=mx.example.org;
 * identity=mailfrom; mechanism="ip4:192.0.2.0/24"}. The value is one line of printable ASCII: whatever the
 * client or DNS gave is quoted or escaped, and control and non-ASCII characters are replaced; folding is
 * left to the header writer.
 */
public final class ReceivedSpf {
    public static final String FIELD_NAME = "Received-SPF";
    private static final int MAX_VALUE = 256;
    // RFC 5322 3.2.3 dot-atom
    private static final Pattern DOT_ATOM =
            Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");

    private ReceivedSpf() {
    }

    /** The field value (without "Received-SPF:") for {@code result}, as written by {@code receiver}. */
    public static String value(SpfResult result, String receiver) {
        String ip = Network.readable(result.clientIp());
        StringBuilder out = new StringBuilder(result.verdict().label());
        out.append(" (").append(comment(receiver + ": " + comment(result, ip))).append(")");
        out.append(" client-ip=").append(quoteIfNeeded(ip));
        out.append("; envelope-from=").append(quoteIfNeeded(result.sender()));
        out.append("; helo=").append(quoteIfNeeded(result.helo()));
        out.append("; receiver=").append(quoteIfNeeded(receiver));
        out.append("; identity=").append(result.identity().label());
        result.mechanism().ifPresent(m -> out.append("; mechanism=").append(quoteIfNeeded(m)));
        if (result.verdict() == SpfVerdict.PERMERROR || result.verdict() == SpfVerdict.TEMPERROR) {
            out.append("; problem=").append(quoteIfNeeded(result.reason()));
        }
        return out.toString();
    }

    // The wording of the examples in RFC 7208 9.1
    private static String comment(SpfResult result, String ip) {
        String sender = result.sender();
        return switch (result.verdict()) {
            case PASS -> "domain of " + sender + " designates " + ip + " as permitted sender";
            case FAIL -> "domain of " + sender + " does not designate " + ip + " as permitted sender";
            case SOFTFAIL -> "domain of transitioning " + sender + " does not designate " + ip
                    + " as permitted sender";
            case NEUTRAL -> ip + " is neither permitted nor denied by domain of " + sender;
            case NONE -> "domain of " + sender + " does not publish an SPF record";
            case TEMPERROR -> "temporary error while checking the domain of " + sender;
            case PERMERROR -> "permanent error in the SPF record of the domain of " + sender;
        };
    }

    /** RFC 5322 3.2.2: ctext with quoted-pairs for the parentheses and backslash. */
    static String comment(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : printable(text).toCharArray()) {
            if (c == '(' || c == ')' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** RFC 7208 9.1: a value is a dot-atom or a quoted-string (RFC 5322 3.2.4). */
    static String quoteIfNeeded(String value) {
        String v = printable(value);
        if (DOT_ATOM.matcher(v).matches()) {
            return v;
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }

    /** Replaces anything outside printable ASCII (CR, LF, NUL, UTF-8) and keeps values short. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < MAX_VALUE; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.length() < text.length() ? out + "..." : out.toString();
    }
}
