package org.bastionmail.dmarc;

import java.util.List;
import java.util.Optional;

/**
 * A parsed DMARC policy record (RFC 7489 6.3).
 *
 * @param policy {@code p=}, the policy for the domain itself
 * @param subdomainPolicy {@code sp=}, for subdomains when the record was found at the organisational domain
 * @param percent {@code pct=}, share of failing mail the policy applies to (0-100)
 * @param dkimAlignment {@code adkim=}
 * @param spfAlignment {@code aspf=}
 * @param aggregateReports {@code rua=} URIs, as written (report size suffixes kept)
 * @param failureReports {@code ruf=} URIs
 * @param reportInterval {@code ri=} seconds
 */
public record DmarcRecord(
        Policy policy,
        Optional<Policy> subdomainPolicy,
        int percent,
        Alignment dkimAlignment,
        Alignment spfAlignment,
        List<String> aggregateReports,
        List<String> failureReports,
        long reportInterval) {

    public DmarcRecord {
        aggregateReports = List.copyOf(aggregateReports);
        failureReports = List.copyOf(failureReports);
    }

    /**
     * Parses the text of a DMARC TXT record (RFC 7489 6.3), for tools that inspect records (bastion audit).
     *
     * @throws IllegalArgumentException with the reason when the record is not valid DMARC
     */
    public static DmarcRecord parse(String txt) {
        return switch (DmarcRecordParser.parse(txt)) {
            case DmarcRecordParser.Valid valid -> valid.record();
            case DmarcRecordParser.Invalid invalid -> throw new IllegalArgumentException(invalid.reason());
        };
    }

    /** What the domain owner asks receivers to do with failing mail (RFC 7489 6.3 "p"). */
    public enum Policy {
        NONE, QUARANTINE, REJECT;

        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Identifier alignment mode (RFC 7489 3.1). */
    public enum Alignment { RELAXED, STRICT }
}
