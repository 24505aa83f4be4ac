package org.bastionmail.reports;

import java.util.List;
import org.bastionmail.dmarc.PublicSuffixList;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.Lookup;

/**
 * RFC 7489 7.1: a report address outside the policy domain's organisational domain receives reports
 * only if its domain says it wants them, with a TXT record "v=DMARC1" at
 * {@code <policy-domain>._report._dmarc.<destination-domain>}. Without the check anyone could point
 * their rua at a victim and have receivers flood it.
 */
final class ExternalDestinations {
    /** Whether reports about the policy domain may go to the destination. */
    enum Verdict { AUTHORIZED, REFUSED, UNKNOWN }

    private final DnsResolver dns;
    private final PublicSuffixList suffixes;

    ExternalDestinations(DnsResolver dns, PublicSuffixList suffixes) {
        this.dns = dns;
        this.suffixes = suffixes;
    }

    /** UNKNOWN when the DNS lookup failed: worth trying again later. */
    Verdict check(String policyDomain, String destinationDomain) {
        if (suffixes.organizationalDomain(policyDomain).equals(suffixes.organizationalDomain(destinationDomain))) {
            return Verdict.AUTHORIZED;
        }
        String name = policyDomain + "._report._dmarc." + destinationDomain;
        if (name.length() > 253) {
            return Verdict.REFUSED;
        }
        return switch (dns.txt(name)) {
            case Lookup.Found<List<String>> found ->
                    found.records().stream().anyMatch(ExternalDestinations::isDmarcRecord) ? Verdict.AUTHORIZED : Verdict.REFUSED;
            case Lookup.NoSuchName<List<String>> none -> Verdict.REFUSED;
            case Lookup.NoRecords<List<String>> none -> Verdict.REFUSED;
            case Lookup.Failed<List<String>> failed -> Verdict.UNKNOWN;
        };
    }

    /** RFC 7489 7.1 step 4: a record that begins with "v=DMARC1" (the version tag of 6.4). */
    static boolean isDmarcRecord(String txt) {
        String record = txt.strip();
        if (!record.startsWith("v=DMARC1")) {
            return false;
        }
        String rest = record.substring("v=DMARC1".length()).stripLeading();
        return rest.isEmpty() || rest.startsWith(";");
    }
}
