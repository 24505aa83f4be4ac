package org.bastionmail.mtasts;

import java.util.List;

/**
 * The {@code _mta-sts} TXT record (RFC 8461 3.1): it announces a policy and names its version.
 *
 * @param id the policy instance id, 1 to 32 letters and digits; a new id means a new policy to fetch
 */
public record StsRecord(String id) {
    public StsRecord {
        if (!isId(id)) {
            throw new IllegalArgumentException("bad MTA-STS id");
        }
    }

    /**
     * Picks the one MTA-STS record among a name's TXT records. RFC 8461 3.1: records not starting with
     * "v=STSv1" are discarded; if not exactly one remains, or it is malformed, there is no record.
     */
    public static StsRecord select(List<String> txtRecords) throws StsSyntaxException {
        List<String> candidates = txtRecords.stream().filter(StsRecord::announcesVersion).toList();
        if (candidates.size() != 1) {
            throw new StsSyntaxException(candidates.isEmpty() ? "no v=STSv1 record" : "more than one v=STSv1 record");
        }
        return parse(candidates.getFirst());
    }

    /** Errata 6285 is read leniently: "v=STSv1" followed by ";" or white space starts a record. */
    private static boolean announcesVersion(String txt) {
        if (!txt.startsWith("v=STSv1")) {
            return false;
        }
        String rest = txt.substring("v=STSv1".length());
        return rest.isEmpty() || rest.charAt(0) == ';' || rest.charAt(0) == ' ' || rest.charAt(0) == '\t';
    }

    /**
     * Parses sts-text-record = sts-version 1*(sts-field-delim sts-field) [sts-field-delim], with
     * sts-field = sts-id / sts-extension.
     */
    static StsRecord parse(String txt) throws StsSyntaxException {
        if (txt.length() > 1024) {
            throw new StsSyntaxException("record longer than 1024 characters");
        }
        String[] parts = txt.split(";", -1);
        if (!parts[0].stripTrailing().equals("v=STSv1")) {
            throw new StsSyntaxException("record does not start with v=STSv1");
        }
        String id = null;
        int fields = 0;
        for (int i = 1; i < parts.length; i++) {
            String field = parts[i].strip();
            if (field.isEmpty()) {
                if (i == parts.length - 1) {
                    break; // the optional final delimiter
                }
                throw new StsSyntaxException("empty field");
            }
            int eq = field.indexOf('=');
            if (eq <= 0) {
                throw new StsSyntaxException("field without name=value");
            }
            String name = field.substring(0, eq);
            String value = field.substring(eq + 1);
            fields++;
            if (name.equals("id")) {
                if (id != null) {
                    throw new StsSyntaxException("more than one id");
                }
                if (!isId(value)) {
                    throw new StsSyntaxException("id is not 1 to 32 letters and digits");
                }
                id = value;
            } else if (!isExtensionName(name) || !isExtensionValue(value)) {
                throw new StsSyntaxException("malformed extension field");
            }
        }
        if (fields == 0 || id == null) {
            throw new StsSyntaxException("no id field");
        }
        return new StsRecord(id);
    }

    /** sts-id = %s"id=" 1*32(ALPHA / DIGIT). */
    private static boolean isId(String id) {
        return id != null && !id.isEmpty() && id.length() <= 32 && id.chars().allMatch(StsRecord::isAlnum);
    }

    private static boolean isAlnum(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** sts-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / "."). */
    private static boolean isExtensionName(String name) {
        if (name.isEmpty() || name.length() > 32 || !isAlnum(name.charAt(0))) {
            return false;
        }
        return name.chars().allMatch(c -> isAlnum(c) || c == '_' || c == '-' || c == '.');
    }

    /** sts-ext-value = 1*(%x21-3A / %x3C / %x3E-7E): visible ASCII except "=" and ";". */
    private static boolean isExtensionValue(String value) {
        return !value.isEmpty() && value.chars().allMatch(c -> c >= 0x21 && c <= 0x7e && c != '=' && c != ';');
    }
}
