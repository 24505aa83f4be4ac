package org.bastionmail.smtp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The parameters after a MAIL or RCPT path (RFC 5321 4.1.2 Mail-parameters): {@code KEY[=value]}
 * separated by spaces. Keywords are folded to upper case; a keyword given twice is a syntax error.
 */
final class EsmtpParams {
    private static final Pattern KEYWORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,31}");
    private static final int MAX_PARAMS = 16;

    private EsmtpParams() {}

    /** Returns the parameters by upper-case keyword (value "" when none), or empty when malformed. */
    static Optional<Map<String, String>> parse(String text, boolean utf8) {
        Map<String, String> params = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return Optional.of(params);
        }
        String[] items = text.split(" +");
        if (items.length > MAX_PARAMS) {
            return Optional.empty();
        }
        for (String item : items) {
            int eq = item.indexOf('=');
            String key = eq < 0 ? item : item.substring(0, eq);
            String value = eq < 0 ? "" : item.substring(eq + 1);
            if (!KEYWORD.matcher(key).matches() || (eq >= 0 && !isValue(value, utf8))) {
                return Optional.empty();
            }
            if (params.put(key.toUpperCase(Locale.ROOT), value) != null) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }

    /** esmtp-value = 1*(%d33-60 / %d62-126), plus UTF-8 non-ASCII under SMTPUTF8 (RFC 6531 3.3). */
    private static boolean isValue(String v, boolean utf8) {
        return !v.isEmpty() && v.chars().allMatch(c -> (c >= 33 && c <= 126 && c != '=') || (utf8 && c >= 0x80));
    }
}
