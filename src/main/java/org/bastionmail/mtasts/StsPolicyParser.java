package org.bastionmail.mtasts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The policy body grammar of RFC 8461 3.2: "key: value" lines ended by LF or CRLF. */
final class StsPolicyParser {
    /** RFC 8461 3.3: policy bodies are at most 64 KiB; the fetcher enforces it, the parser again. */
    static final int MAX_BYTES = 64 * 1024;
    private static final int MAX_MX = 100;

    private StsPolicyParser() {}

    static StsPolicy parse(String body) throws StsSyntaxException {
        if (body.length() > MAX_BYTES) {
            throw new StsSyntaxException("policy longer than " + MAX_BYTES + " characters");
        }
        Map<String, String> first = new HashMap<>();
        List<String> mx = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String line : splitLines(body)) {
            if (line.isEmpty()) {
                continue; // a blank line carries nothing; the final terminator leaves one
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new StsSyntaxException("line without a field name and colon");
            }
            String name = line.substring(0, colon);
            String value = strip(line.substring(colon + 1));
            if (!isFieldName(name)) {
                throw new StsSyntaxException("bad field name");
            }
            if (!isFieldValue(value)) {
                throw new StsSyntaxException("bad value for field " + name);
            }
            text.append(name).append(": ").append(value).append('\n');
            if (name.equals("mx")) {
                if (mx.size() == MAX_MX) {
                    throw new StsSyntaxException("more than " + MAX_MX + " mx fields");
                }
                mx.add(mxPattern(value));
            } else {
                // Fields other than mx are single-valued: the first occurrence counts.
                first.putIfAbsent(name, value);
            }
        }
        // RFC 8461 3.2: the values are case-sensitive (%s in the ABNF).
        if (!"STSv1".equals(first.get("version"))) {
            throw new StsSyntaxException("version is not STSv1");
        }
        StsMode mode = mode(Optional.ofNullable(first.get("mode")));
        Duration maxAge = maxAge(Optional.ofNullable(first.get("max_age")));
        if (mode != StsMode.NONE && mx.isEmpty()) {
            throw new StsSyntaxException("no mx field in mode " + mode.token());
        }
        return new StsPolicy(mode, mx, maxAge, text.toString());
    }

    /** RFC 8461 3.2 sts-policy-term = LF / CRLF; a bare CR is not a line end and not allowed. */
    private static List<String> splitLines(String body) throws StsSyntaxException {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\n') {
                int end = i > start && body.charAt(i - 1) == '\r' ? i - 1 : i;
                lines.add(body.substring(start, end));
                start = i + 1;
            } else if (c == '\r' && (i + 1 == body.length() || body.charAt(i + 1) != '\n')) {
                throw new StsSyntaxException("bare CR in policy");
            }
        }
        lines.add(body.substring(start));
        return lines;
    }

    private static StsMode mode(Optional<String> value) throws StsSyntaxException {
        String token = value.orElseThrow(() -> new StsSyntaxException("no mode field"));
        for (StsMode mode : StsMode.values()) {
            if (mode.token().equals(token)) {
                return mode;
            }
        }
        throw new StsSyntaxException("unknown mode");
    }

    /** sts-policy-max-age-value = 1*10(DIGIT), "with a maximum value of 31557600". */
    private static Duration maxAge(Optional<String> value) throws StsSyntaxException {
        String digits = value.orElseThrow(() -> new StsSyntaxException("no max_age field"));
        if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new StsSyntaxException("max_age is not 1 to 10 digits");
        }
        long seconds = Long.parseLong(digits);
        // A larger value is capped rather than refused: refusing would turn a sloppy policy into none at all.
        return Duration.ofSeconds(Math.min(seconds, StsPolicy.MAX_AGE_LIMIT.toSeconds()));
    }

    /** sts-policy-mx-value = ["*."] Domain (RFC 5321 Domain: LDH labels, or U-labels, at most 253 octets). */
    private static String mxPattern(String value) throws StsSyntaxException {
        String domain = value.startsWith("*.") ? value.substring(2) : value;
        if (domain.isEmpty() || domain.length() > 253 || domain.endsWith(".")) {
            throw new StsSyntaxException("bad mx pattern");
        }
        for (String label : domain.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                throw new StsSyntaxException("bad mx pattern");
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                if (!ldh && c < 0x80) {
                    throw new StsSyntaxException("bad mx pattern");
                }
            }
        }
        try {
            return HostPattern.normalize(java.net.IDN.toASCII(value, java.net.IDN.ALLOW_UNASSIGNED));
        } catch (IllegalArgumentException e) {
            throw new StsSyntaxException("bad mx pattern");
        }
    }

    /** sts-policy-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / "."). */
    private static boolean isFieldName(String name) {
        if (name.isEmpty() || name.length() > 32 || !Character.isLetterOrDigit(name.charAt(0))) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** sts-policy-ext-value: visible characters (or UTF-8) with inner spaces, no controls. */
    private static boolean isFieldValue(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\t') {
                return false;
            }
        }
        return true;
    }

    /** Removes the *WSP around a value (sts-policy-field-delim = ":" *WSP, then *WSP before the term). */
    private static String strip(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
            end--;
        }
        return value.substring(start, end);
    }
}
