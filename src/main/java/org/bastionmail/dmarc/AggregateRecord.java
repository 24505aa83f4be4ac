package org.bastionmail.dmarc;

import java.util.List;

/**
 * What one message contributes to a DMARC aggregate report (RFC 7489 7.2, appendix C "record"): kept per
 * message, summed up per source and policy domain by the report sender.
 *
 * @param time when the message was evaluated (ISO-8601)
 * @param sourceIp the client's address ("row/source_ip")
 * @param headerFrom the RFC5322.From domain ("identifiers/header_from")
 * @param envelopeFrom the MAIL FROM domain, empty for the null sender ("identifiers/envelope_from")
 * @param published the policy record as found ("policy_published")
 * @param disposition what was applied: none, quarantine or reject ("policy_evaluated/disposition")
 * @param dkimAligned "policy_evaluated/dkim": pass when an aligned DKIM signature passed
 * @param spfAligned "policy_evaluated/spf": pass when SPF passed aligned
 * @param reasons policy override reasons, e.g. "sampled_out" for pct (RFC 7489 C, PolicyOverrideType)
 * @param dkim every DKIM result ("auth_results/dkim")
 * @param spf the SPF results ("auth_results/spf")
 */
public record AggregateRecord(
        String time,
        String sourceIp,
        String headerFrom,
        String envelopeFrom,
        Published published,
        String disposition,
        boolean dkimAligned,
        boolean spfAligned,
        List<String> reasons,
        List<DkimAuth> dkim,
        List<SpfAuth> spf) {

    public AggregateRecord {
        reasons = List.copyOf(reasons);
        dkim = List.copyOf(dkim);
        spf = List.copyOf(spf);
    }

    /** "policy_published": the record of the domain whose policy applied. */
    public record Published(String domain, String adkim, String aspf, String p, String sp, int pct, List<String> rua) {
        public Published {
            rua = List.copyOf(rua);
        }

        static Published of(String domain, DmarcRecord record) {
            return new Published(domain, letter(record.dkimAlignment()), letter(record.spfAlignment()),
                    record.policy().keyword(), record.subdomainPolicy().orElse(record.policy()).keyword(),
                    record.percent(), record.aggregateReports());
        }

        private static String letter(DmarcRecord.Alignment alignment) {
            return alignment == DmarcRecord.Alignment.STRICT ? "s" : "r";
        }
    }

    /** One DKIM result: domain, selector, result word. */
    public record DkimAuth(String domain, String selector, String result) {}

    /** One SPF result: domain, scope ("mfrom" or "helo"), result word. */
    public record SpfAuth(String domain, String scope, String result) {}

    /**
     * The record for a message DMARC evaluated against a published policy, if one was found (a message
     * without a policy record belongs in no domain's report).
     */
    public static java.util.Optional<AggregateRecord> of(String time, String sourceIp, String headerFrom,
            String envelopeFrom, DmarcResult result, List<DkimAuth> dkim, List<SpfAuth> spf) {
        return result.record().map(record -> {
            DmarcRecord.Policy applicable = result.policyDomain().equals(headerFrom)
                    ? record.policy() : record.subdomainPolicy().orElse(record.policy());
            // A failing message given a weaker disposition than the policy was left out of the pct sample.
            boolean sampledOut = result.verdict() == DmarcResult.Verdict.FAIL && result.disposition() != applicable;
            return new AggregateRecord(time, sourceIp, headerFrom, envelopeFrom,
                    Published.of(result.policyDomain(), record), result.disposition().keyword(),
                    result.dkimAligned(), result.spfAligned(), sampledOut ? List.of("sampled_out") : List.of(), dkim, spf);
        });
    }
}
