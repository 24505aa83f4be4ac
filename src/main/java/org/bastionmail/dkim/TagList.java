package org.bastionmail.dkim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed tag=value list (RFC 6376 3.2), used by DKIM-Signature fields and key records.
 *
 * <p>Hostile input is expected: the list is bounded in length, tag count and value size, a tag seen twice
 * is an error ("Tags with duplicate names MUST NOT occur"), and only the characters the grammar allows are
 * accepted. Values keep inner folding whitespace; callers strip it where the tag's own grammar says so.
 */
record TagList(Map<String, String> tags) {
    static final int MAX_LENGTH = 64 * 1024;
    static final int MAX_TAGS = 64;
    static final int MAX_VALUE = 16 * 1024;

    TagList {
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    static TagList parse(String text) throws DkimFailure {
        if (text.length() > MAX_LENGTH) {
            throw DkimFailure.perm("tag list longer than " + MAX_LENGTH + " characters");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        int start = 0;
        while (start <= text.length()) {
            int semi = text.indexOf(';', start);
            int end = semi < 0 ? text.length() : semi;
            String spec = text.substring(start, end);
            // tag-list = tag-spec *( ";" tag-spec ) [ ";" ]: a trailing ";" is allowed; stray empty specs are
            // tolerated too, as published key records often carry them ("v=DKIM1;; p=...")
            if (!isFws(spec)) {
                int eq = spec.indexOf('=');
                if (eq < 0) {
                    throw DkimFailure.perm("tag without '=': " + abbreviate(spec));
                }
                String name = trimFws(spec.substring(0, eq));
                String value = trimFws(spec.substring(eq + 1));
                checkName(name);
                checkValue(name, value);
                if (tags.size() >= MAX_TAGS) {
                    throw DkimFailure.perm("more than " + MAX_TAGS + " tags");
                }
                if (tags.putIfAbsent(name, value) != null) {
                    throw DkimFailure.perm("duplicate tag " + name + "=");
                }
            }
            if (semi < 0) {
                break;
            }
            start = semi + 1;
        }
        return new TagList(tags);
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(tags.get(name));
    }

    String require(String name) throws DkimFailure {
        String value = tags.get(name);
        if (value == null) {
            throw DkimFailure.perm("missing required tag " + name + "=");
        }
        return value;
    }

    // tag-name = ALPHA *ALNUMPUNC; ALNUMPUNC = ALPHA / DIGIT / "_"
    private static void checkName(String name) throws DkimFailure {
        if (name.isEmpty() || name.length() > 32 || !isAlpha(name.charAt(0))) {
            throw DkimFailure.perm("bad tag name: " + abbreviate(name));
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '_') {
                throw DkimFailure.perm("bad tag name: " + abbreviate(name));
            }
        }
    }

    // tag-value = [ tval *( 1*(WSP / FWS) tval ) ]; tval = 1*VALCHAR; VALCHAR = %x21-3A / %x3C-7E
    private static void checkValue(String name, String value) throws DkimFailure {
        if (value.length() > MAX_VALUE) {
            throw DkimFailure.perm("value of " + name + "= longer than " + MAX_VALUE + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean valchar = c >= 0x21 && c <= 0x7E && c != ';';
            if (!valchar && !isWsp(c) && c != '\r' && c != '\n') {
                throw DkimFailure.perm("bad character in " + name + "=");
            }
        }
    }

    static boolean isWsp(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isFws(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isWsp(c) && c != '\r' && c != '\n') {
                return false;
            }
        }
        return true;
    }

    private static String trimFws(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && (isWsp(s.charAt(b)) || s.charAt(b) == '\r' || s.charAt(b) == '\n')) {
            b++;
        }
        while (e > b && (isWsp(s.charAt(e - 1)) || s.charAt(e - 1) == '\r' || s.charAt(e - 1) == '\n')) {
            e--;
        }
        return s.substring(b, e);
    }

    /** The value with every folding white space removed (for base64 and similar values). */
    static String withoutFws(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isWsp(c) && c != '\r' && c != '\n') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static String abbreviate(String s) {
        String one = s.replaceAll("[\\r\\n\\t]+", " ");
        return one.length() <= 40 ? one : one.substring(0, 40) + "...";
    }
}
