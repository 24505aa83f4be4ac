package org.bastionmail.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.DnssecStatus;
import org.bastionmail.dns.Lookup;

/**
 * The DNSSEC status (RFC 4035 4.3) of the domain's zone and of every answer the audit relies on: MX, the
 * SPF/DMARC/MTA-STS/TLS-RPT TXT records, and each MX host's addresses. Bogus answers stop validating senders;
 * insecure ones can be forged, and rule out DANE (RFC 7672 2.2).
 */
final class DnssecAudit {
    private final DnsResolver dns;
    private final String domain;

    DnssecAudit(DnsResolver dns, String domain) {
        this.dns = dns;
        this.domain = domain;
    }

    private record Answer(String question, DnssecStatus status, String text) {}

    List<Finding> run(List<String> mxHosts) {
        List<Answer> zone = new ArrayList<>();
        zone.add(answer(domain + " MX", dns.mx(domain)));
        zone.add(answer(domain + " TXT", dns.txt(domain)));
        for (String prefix : List.of("_dmarc.", "_mta-sts.", "_smtp._tls.")) {
            zone.add(answer(prefix + domain + " TXT", dns.txt(prefix + domain)));
        }
        List<Answer> hosts = new ArrayList<>();
        for (String host : mxHosts) {
            hosts.add(answer(host + " A", dns.a(host)));
            hosts.add(answer(host + " AAAA", dns.aaaa(host)));
        }
        List<Finding> findings = new ArrayList<>();
        List<Answer> all = new ArrayList<>(zone);
        all.addAll(hosts);
        String evidence = String.join("\n", all.stream().map(a -> a.question() + ": " + a.text()).toList());
        String subject = "DNSSEC " + domain;
        List<Answer> bogus = all.stream().filter(a -> a.status() == DnssecStatus.BOGUS).toList();
        if (!bogus.isEmpty()) {
            findings.add(new Finding("dnssec.bogus", Severity.CRITICAL, subject,
                    "DNSSEC validation fails for " + String.join(", ", bogus.stream().map(Answer::question).toList())
                            + ": validating senders cannot deliver mail",
                    evidence, "Fix the zone's signatures (re-sign; check the DNSKEY and the DS record at the parent)."));
        }
        DnssecStatus zoneStatus = weakest(zone);
        switch (zoneStatus) {
            case SECURE -> findings.add(Finding.info("dnssec.secure", subject, "The zone is signed and every answer validates", evidence));
            case INSECURE, INDETERMINATE -> findings.add(new Finding("dnssec.unsigned", Severity.LOW, subject,
                    "The answers are not DNSSEC-validated (" + zoneStatus.name().toLowerCase(Locale.ROOT)
                            + "): MX and policy records can be forged, and DANE is impossible",
                    evidence, "Sign the zone with DNSSEC and publish the DS record at the parent."));
            case BOGUS -> { }
        }
        if (zoneStatus == DnssecStatus.SECURE) {
            // a signed domain whose MX host sits in an unsigned zone: DANE cannot protect that host (RFC 7672 2.2.2)
            for (String host : mxHosts) {
                List<Answer> of = hosts.stream().filter(a -> a.question().startsWith(host + " ")).toList();
                DnssecStatus status = weakest(of);
                if (status == DnssecStatus.INSECURE || status == DnssecStatus.INDETERMINATE) {
                    findings.add(new Finding("dnssec.mx-host.unsigned", Severity.LOW, "DNSSEC " + host,
                            "The MX host " + host + " is in an unsigned zone: DANE cannot protect mail to it",
                            String.join("\n", of.stream().map(a -> a.question() + ": " + a.text()).toList()),
                            "Sign the MX host's zone (or use a host name in the signed zone)."));
                }
            }
        }
        return findings;
    }

    private static Answer answer(String question, Lookup<?> lookup) {
        return new Answer(question, lookup.dnssec(), HostAudit.describe(lookup));
    }

    /** The least secure status of answers that exist or were denied; failures other than bogus are ignored. */
    private static DnssecStatus weakest(List<Answer> answers) {
        DnssecStatus result = DnssecStatus.SECURE;
        boolean any = false;
        for (Answer a : answers) {
            if (a.text().startsWith("failed") && a.status() != DnssecStatus.BOGUS) {
                continue;
            }
            any = true;
            if (rank(a.status()) > rank(result)) {
                result = a.status();
            }
        }
        return any ? result : DnssecStatus.INDETERMINATE;
    }

    private static int rank(DnssecStatus status) {
        return switch (status) {
            case SECURE -> 0;
            case INSECURE -> 1;
            case INDETERMINATE -> 2;
            case BOGUS -> 3;
        };
    }
}
