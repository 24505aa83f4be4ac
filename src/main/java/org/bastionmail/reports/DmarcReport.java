package org.bastionmail.reports;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.bastionmail.dmarc.AggregateRecord;

/**
 * One day's DMARC aggregate report about one policy domain (RFC 7489 7.2): the day's messages summed up
 * into rows of identical outcome.
 *
 * @param published the policy as last seen that day (RFC 7489 C "policy_published")
 * @param rows the distinct outcomes with their message counts, in order of first appearance
 * @param omitted messages left out because the report reached {@link #MAX_ROWS} distinct rows
 */
record DmarcReport(String policyDomain, LocalDate day, AggregateRecord.Published published, List<Row> rows, long omitted) {
    /** A flood of distinct sources must not make a report (and the memory holding it) unbounded. */
    static final int MAX_ROWS = 10_000;

    DmarcReport {
        rows = List.copyOf(rows);
    }

    /**
     * Messages that are counted together: RFC 7489 C "row" and the identifiers and authentication
     * results that go with it. The authentication results are part of the key, so that a row never
     * claims results that only some of its messages had.
     */
    record Outcome(String sourceIp, String disposition, boolean dkimAligned, boolean spfAligned, List<String> reasons,
            String headerFrom, String envelopeFrom, List<AggregateRecord.DkimAuth> dkim, List<AggregateRecord.SpfAuth> spf) {
        static Outcome of(AggregateRecord r) {
            return new Outcome(r.sourceIp(), r.disposition(), r.dkimAligned(), r.spfAligned(), r.reasons(),
                    r.headerFrom(), r.envelopeFrom(), r.dkim(), r.spf());
        }
    }

    record Row(Outcome outcome, long count) {}

    /**
     * Sums up the records of one day into one report per policy domain, in domain order. Records whose
     * policy domain is not a plain LDH host name are skipped: the name goes into file names, a DNS query
     * and the Subject.
     */
    static List<DmarcReport> of(LocalDate day, List<AggregateRecord> records) {
        Map<String, List<AggregateRecord>> byDomain = new TreeMap<>();
        for (AggregateRecord r : records) {
            String domain = r.published().domain().toLowerCase(Locale.ROOT);
            if (DomainName.isPlain(domain)) {
                byDomain.computeIfAbsent(domain, d -> new ArrayList<>()).add(r);
            }
        }
        List<DmarcReport> reports = new ArrayList<>();
        byDomain.forEach((domain, list) -> reports.add(sum(domain, day, list)));
        return reports;
    }

    private static DmarcReport sum(String domain, LocalDate day, List<AggregateRecord> records) {
        Map<Outcome, Long> counts = new LinkedHashMap<>();
        long omitted = 0;
        for (AggregateRecord r : records) {
            Outcome outcome = Outcome.of(r);
            Long count = counts.get(outcome);
            if (count == null && counts.size() >= MAX_ROWS) {
                omitted++;
                continue;
            }
            counts.put(outcome, count == null ? 1 : count + 1);
        }
        List<Row> rows = new ArrayList<>();
        counts.forEach((outcome, count) -> rows.add(new Row(outcome, count)));
        return new DmarcReport(domain, day, records.getLast().published(), rows, omitted);
    }

    /** The start of the reported UTC day. */
    Instant begin() {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The last second of the reported UTC day. */
    Instant end() {
        return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(1);
    }

    /**
     * RFC 7489 7.2: unique per report. The same day and domain always give the same id, so a receiver
     * can drop a report sent again after a crash.
     */
    String reportId(String receiver) {
        return day + "." + policyDomain + "@" + receiver;
    }

    /** RFC 7489 7.2.1.1: "Report Domain: {domain} Submitter: {receiver} Report-ID: {id}". */
    String subject(String receiver) {
        return "Report Domain: " + policyDomain + " Submitter: " + receiver + " Report-ID: <" + reportId(receiver) + ">";
    }

    /** RFC 7489 7.2.1.1: filename = receiver "!" policy-domain "!" begin-timestamp "!" end-timestamp ".xml.gz". */
    String fileName(String receiver) {
        return receiver + "!" + policyDomain + "!" + begin().getEpochSecond() + "!" + end().getEpochSecond() + ".xml.gz";
    }
}
