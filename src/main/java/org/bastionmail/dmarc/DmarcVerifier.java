package org.bastionmail.dmarc;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.Lookup;

/**
 * DMARC policy discovery and evaluation (RFC 7489 6.6): finds the policy record of the From domain or
 * its organisational domain, checks identifier alignment of the SPF and DKIM passes, and says what the
 * policy asks for the message.
 */
public final class DmarcVerifier {
    private final DnsResolver dns;
    private final PublicSuffixList suffixes;
    private final RandomGenerator random;

    public DmarcVerifier(DnsResolver dns, PublicSuffixList suffixes, RandomGenerator random) {
        this.dns = dns;
        this.suffixes = suffixes;
        this.random = random;
    }

    public DmarcResult verify(DmarcInput input) {
        String from = lower(input.fromDomain());
        String organizational = suffixes.organizationalDomain(from);

        // RFC 7489 6.6.3: the From domain's own record first, then the organisational domain's.
        Discovery discovery = discover(from);
        String policyDomain = from;
        if (discovery instanceof Discovery.Absent && !organizational.equals(from)) {
            discovery = discover(organizational);
            policyDomain = organizational;
        }
        String domain = policyDomain;
        return switch (discovery) {
            case Discovery.Failed f -> new DmarcResult(DmarcResult.Verdict.TEMPERROR, DmarcRecord.Policy.NONE, domain,
                    Optional.empty(), false, false, "DNS lookup of _dmarc." + domain + " failed: " + f.reason());
            case Discovery.Absent a -> new DmarcResult(DmarcResult.Verdict.NONE, DmarcRecord.Policy.NONE, domain,
                    Optional.empty(), false, false, a.reason());
            case Discovery.Unusable u -> new DmarcResult(DmarcResult.Verdict.PERMERROR, DmarcRecord.Policy.NONE, domain,
                    Optional.empty(), false, false, "invalid record at _dmarc." + domain + ": " + u.reason());
            case Discovery.Found found -> evaluate(input, from, domain, found.record());
        };
    }

    private DmarcResult evaluate(DmarcInput input, String from, String policyDomain, DmarcRecord record) {
        boolean spfAligned = input.spfPassed() && input.spfDomain()
                .map(d -> aligned(lower(d), from, record.spfAlignment())).orElse(false);
        boolean dkimAligned = input.dkimPassedDomains().stream()
                .anyMatch(d -> aligned(lower(d), from, record.dkimAlignment()));
        if (spfAligned || dkimAligned) {
            String how = spfAligned && dkimAligned ? "SPF and DKIM" : spfAligned ? "SPF" : "DKIM";
            return new DmarcResult(DmarcResult.Verdict.PASS, DmarcRecord.Policy.NONE, policyDomain, Optional.of(record),
                    spfAligned, dkimAligned, how + " aligned with " + from);
        }
        // RFC 7489 6.3 "sp": applies to subdomains when the record came from the organisational domain.
        DmarcRecord.Policy policy = !policyDomain.equals(from) ? record.subdomainPolicy().orElse(record.policy()) : record.policy();
        DmarcRecord.Policy disposition = policy;
        String sampling = "";
        // RFC 7489 6.6.4: mail outside the pct sample gets the next weaker policy.
        if (record.percent() < 100 && random.nextInt(100) >= record.percent()) {
            disposition = switch (policy) {
                case REJECT -> DmarcRecord.Policy.QUARANTINE;
                case QUARANTINE, NONE -> DmarcRecord.Policy.NONE;
            };
            sampling = ", outside the pct=" + record.percent() + " sample";
        }
        return new DmarcResult(DmarcResult.Verdict.FAIL, disposition, policyDomain, Optional.of(record), false, false,
                "no aligned SPF or DKIM pass for " + from + "; policy " + policy.keyword() + sampling);
    }

    /** Identifier alignment (RFC 7489 3.1.1, 3.1.2). */
    boolean aligned(String identifier, String from, DmarcRecord.Alignment mode) {
        if (identifier.equals(from)) {
            return true;
        }
        return mode == DmarcRecord.Alignment.RELAXED
                && suffixes.organizationalDomain(identifier).equals(suffixes.organizationalDomain(from));
    }

    private sealed interface Discovery {
        record Found(DmarcRecord record) implements Discovery {}

        record Absent(String reason) implements Discovery {}

        record Unusable(String reason) implements Discovery {}

        record Failed(String reason) implements Discovery {}
    }

    private Discovery discover(String domain) {
        String name = "_dmarc." + domain;
        Lookup<List<String>> answer = dns.txt(name);
        return switch (answer) {
            case Lookup.Failed<List<String>> f -> new Discovery.Failed(f.reason());
            case Lookup.NoSuchName<List<String>> n -> new Discovery.Absent("no DMARC record at " + name);
            case Lookup.NoRecords<List<String>> n -> new Discovery.Absent("no DMARC record at " + name);
            case Lookup.Found<List<String>> found -> {
                List<String> records = found.records().stream().filter(DmarcRecordParser::isDmarc).toList();
                if (records.isEmpty()) {
                    yield new Discovery.Absent("no DMARC record at " + name);
                }
                if (records.size() > 1) {
                    // RFC 7489 6.6.3 step 2: more than one record means no policy at all.
                    yield new Discovery.Unusable(records.size() + " DMARC records");
                }
                yield switch (DmarcRecordParser.parse(records.getFirst())) {
                    case DmarcRecordParser.Valid v -> new Discovery.Found(v.record());
                    case DmarcRecordParser.Invalid i -> new Discovery.Unusable(i.reason());
                };
            }
        };
    }

    private static String lower(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }
}
