package org.bastionmail.mail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The fields of a message's header section (RFC 5322 2.2), unfolded. Lenient where the content does not
 * matter to us: a line without a colon is skipped.
 */
public record HeaderSection(List<Field> fields) {
    // compiled once: String.split compiles a two-character pattern on every call
    private static final Pattern CRLF = Pattern.compile("\r\n");

    public record Field(String name, String value) {}

    public static HeaderSection parse(byte[] section) {
        // Lines were already checked to end in CRLF; non-ASCII is taken as UTF-8 (RFC 6532).
        String text = new String(section, StandardCharsets.UTF_8);
        List<Field> fields = new ArrayList<>();
        StringBuilder current = null;
        for (String line : CRLF.split(text, -1)) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                // RFC 5322 2.2.3: unfolding removes the CRLF before the whitespace.
                if (current != null) {
                    current.append(line);
                }
                continue;
            }
            add(fields, current);
            current = line.isEmpty() ? null : new StringBuilder(line);
        }
        add(fields, current);
        return new HeaderSection(List.copyOf(fields));
    }

    private static void add(List<Field> fields, StringBuilder raw) {
        if (raw == null) {
            return;
        }
        int colon = raw.indexOf(":");
        if (colon <= 0) {
            return;
        }
        // RFC 5322 3.6.8 field-name = 1*ftext (printable ASCII but ':'), and 4.5 obs-optional allows white space
        // before the colon. Anything else is not a field: a control character in front of a name must not make
        // it a name that other readers (the Authentication-Results stripper) did not see.
        String name = withoutTrailingBlanks(raw.substring(0, colon));
        if (name.isEmpty() || !name.chars().allMatch(c -> c >= 33 && c <= 126)) {
            return;
        }
        fields.add(new Field(name, raw.substring(colon + 1)));
    }

    private static String withoutTrailingBlanks(String name) {
        int end = name.length();
        while (end > 0 && (name.charAt(end - 1) == ' ' || name.charAt(end - 1) == '\t')) {
            end--;
        }
        return name.substring(0, end);
    }

    /** The unfolded values of every field called {@code name} (case-insensitive), in order. */
    public List<String> values(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return fields.stream().filter(f -> f.name().toLowerCase(Locale.ROOT).equals(wanted)).map(Field::value).toList();
    }

    public boolean has(String name) {
        return !values(name).isEmpty();
    }
}
