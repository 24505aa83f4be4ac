package org.bastionmail.dmarc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Parses a DMARC TXT record (RFC 7489 6.3, 6.4 ABNF); anything it cannot read is a {@link Invalid} record. */
final class DmarcRecordParser {
    static final int MAX_LENGTH = 4096;
    private static final int MAX_URIS = 10;

    private DmarcRecordParser() {}

    /** Whether a TXT record is meant as DMARC at all (RFC 7489 6.6.3: records not starting with v=DMARC1 are ignored). */
    static boolean isDmarc(String txt) {
        String s = txt.stripLeading();
        if (!s.regionMatches(false, 0, "v", 0, 1)) {
            return false;
        }
        s = s.substring(1).stripLeading();
        if (!s.startsWith("=")) {
            return false;
        }
        s = s.substring(1).stripLeading();
        return s.startsWith("DMARC1") && (s.length() == 6 || s.charAt(6) == ';' || Character.isWhitespace(s.charAt(6)));
    }

    /** The outcome of parsing: a record or the reason it is unusable. */
    sealed interface Parsed {}

    record Valid(DmarcRecord record) implements Parsed {}

    record Invalid(String reason) implements Parsed {}

    static Parsed parse(String txt) {
        if (txt.length() > MAX_LENGTH) {
            return new Invalid("record longer than " + MAX_LENGTH + " characters");
        }
        if (!isDmarc(txt)) {
            return new Invalid("does not start with v=DMARC1");
        }
        Map<String, String> tags = new HashMap<>();
        for (String part : txt.split(";", -1)) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                return new Invalid("tag without '=': " + part.strip());
            }
            String name = part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (!name.matches("[a-z][a-z0-9_]*")) {
                return new Invalid("bad tag name: " + name);
            }
            if (tags.put(name, part.substring(eq + 1).strip()) != null) {
                return new Invalid("tag " + name + " given twice");
            }
        }
        try {
            Optional<DmarcRecord.Policy> policy = Optional.ofNullable(tags.get("p")).map(v -> policy("p", v));
            List<String> rua = uris("rua", tags.get("rua"));
            if (policy.isEmpty() && rua.isEmpty()) {
                return new Invalid("no p= tag");
            }
            return new Valid(new DmarcRecord(
                    // RFC 7489 6.6.3: no p= but a valid rua= is read as p=none.
                    policy.orElse(DmarcRecord.Policy.NONE),
                    Optional.ofNullable(tags.get("sp")).map(v -> policy("sp", v)),
                    percent(tags.get("pct")),
                    alignment("adkim", tags.get("adkim")),
                    alignment("aspf", tags.get("aspf")),
                    rua,
                    uris("ruf", tags.get("ruf")),
                    interval(tags.get("ri"))));
        } catch (IllegalArgumentException e) {
            return new Invalid(e.getMessage());
        }
    }

    private static DmarcRecord.Policy policy(String tag, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> DmarcRecord.Policy.NONE;
            case "quarantine" -> DmarcRecord.Policy.QUARANTINE;
            case "reject" -> DmarcRecord.Policy.REJECT;
            default -> throw new IllegalArgumentException(tag + "=" + value + " is not none, quarantine or reject");
        };
    }

    private static DmarcRecord.Alignment alignment(String tag, String value) {
        if (value == null) {
            return DmarcRecord.Alignment.RELAXED;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "r" -> DmarcRecord.Alignment.RELAXED;
            case "s" -> DmarcRecord.Alignment.STRICT;
            default -> throw new IllegalArgumentException(tag + "=" + value + " is not r or s");
        };
    }

    private static int percent(String value) {
        if (value == null) {
            return 100;
        }
        if (!value.matches("\\d{1,3}") || Integer.parseInt(value) > 100) {
            throw new IllegalArgumentException("pct=" + value + " is not 0 to 100");
        }
        return Integer.parseInt(value);
    }

    private static long interval(String value) {
        if (value == null) {
            return 86_400;
        }
        if (!value.matches("\\d{1,10}")) {
            throw new IllegalArgumentException("ri=" + value + " is not a number of seconds");
        }
        return Long.parseLong(value);
    }

    private static List<String> uris(String tag, String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<String> uris = new ArrayList<>();
        for (String uri : value.split(",")) {
            String u = uri.strip();
            // RFC 7489 6.4: dmarc-uri = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ]
            if (!u.matches("(?i)[a-z][a-z0-9+.-]*:[^\\s,;!]+(![0-9]+[kmgt]?)?")) {
                throw new IllegalArgumentException(tag + " has an invalid URI: " + u);
            }
            uris.add(u);
        }
        if (uris.size() > MAX_URIS) {
            throw new IllegalArgumentException(tag + " lists more than " + MAX_URIS + " URIs");
        }
        return uris;
    }
}
