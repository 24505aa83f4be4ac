package org.bastionmail.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.Lookup;
import org.bastionmail.mtasts.PolicyFetcher;
import org.bastionmail.mtasts.StsMode;
import org.bastionmail.mtasts.StsPolicy;
import org.bastionmail.mtasts.StsRecord;
import org.bastionmail.mtasts.StsSyntaxException;
import org.bastionmail.tlsrpt.TlsRptRecord;

/** MTA-STS (RFC 8461): the TXT record, the HTTPS policy, their consistency with the MX hosts; and TLS-RPT (RFC 8460 3). */
final class StsAudit {
    private static final Duration SHORT_MAX_AGE = Duration.ofDays(1);

    private final DnsResolver dns;
    private final PolicyFetcher fetcher;
    private final String domain;

    StsAudit(DnsResolver dns, PolicyFetcher fetcher, String domain) {
        this.dns = dns;
        this.fetcher = fetcher;
        this.domain = domain;
    }

    List<Finding> mtaSts(List<String> mxHosts) {
        List<Finding> findings = new ArrayList<>();
        String name = "_mta-sts." + domain;
        String subject = "MTA-STS " + domain;
        List<String> txt = dns.txt(name) instanceof Lookup.Found<List<String>> found ? found.records() : List.of();
        List<String> sts = txt.stream().filter(r -> r.toLowerCase(Locale.ROOT).startsWith("v=stsv1")).toList();
        if (sts.isEmpty()) {
            findings.add(new Finding("mtasts.missing", Severity.LOW, subject, "No MTA-STS policy: senders cannot require TLS to your MX hosts without DANE",
                    "TXT " + name + ": no v=STSv1 record", "Publish an MTA-STS policy (RFC 8461) or DANE TLSA records for the MX hosts."));
            return findings;
        }
        String evidence = String.join("\n", sts.stream().map(r -> "TXT " + name + " \"" + r + "\"").toList());
        try {
            StsRecord.select(txt);
        } catch (StsSyntaxException e) {
            findings.add(new Finding("mtasts.record", Severity.MEDIUM, subject, "The MTA-STS TXT record is unusable: " + e.getMessage(), evidence,
                    "Publish exactly one record like \"v=STSv1; id=20260101T000000\"."));
            return findings;
        }
        String url = "https://mta-sts." + domain + "/.well-known/mta-sts.txt";
        StsPolicy policy;
        switch (fetcher.fetch(domain)) {
            case PolicyFetcher.Failed failed -> {
                findings.add(new Finding("mtasts.policy.fetch", Severity.MEDIUM, subject,
                        "The MTA-STS record exists but its policy cannot be fetched: senders ignore MTA-STS", evidence + "\nGET " + url + ": "
                                + failed.type() + " " + failed.reason(),
                        "Serve the policy at " + url + " with a valid certificate for mta-sts." + domain + "."));
                return findings;
            }
            case PolicyFetcher.Fetched fetched -> {
                try {
                    policy = StsPolicy.parse(fetched.body());
                } catch (StsSyntaxException e) {
                    findings.add(new Finding("mtasts.policy.invalid", Severity.MEDIUM, subject, "The MTA-STS policy is invalid: " + e.getMessage(),
                            evidence + "\nGET " + url + ":\n" + ProbeSession.abbreviate(fetched.body()), "Correct the policy (RFC 8461 3.2)."));
                    return findings;
                }
            }
        }
        String policyEvidence = evidence + "\nGET " + url + ":\n" + String.join("\n", policy.lines());
        if (policy.mode() != StsMode.ENFORCE) {
            findings.add(new Finding("mtasts.mode", Severity.LOW, subject, "MTA-STS mode is " + policy.mode().token() + ": senders do not enforce TLS",
                    policyEvidence, "Switch to mode: enforce once TLS-RPT reports show no failures."));
        } else {
            findings.add(Finding.info("mtasts.policy", subject, "MTA-STS policy in enforce mode", policyEvidence));
        }
        if (policy.maxAge().compareTo(SHORT_MAX_AGE) < 0) {
            findings.add(new Finding("mtasts.max-age", Severity.LOW, subject, "max_age is shorter than a day: the policy protects little against downgrade",
                    policyEvidence, "Use max_age: 604800 or more (RFC 8461 3.2 suggests weeks)."));
        }
        for (String mx : mxHosts) {
            if (!policy.mxMatches(mx)) {
                boolean enforce = policy.mode() == StsMode.ENFORCE;
                findings.add(new Finding("mtasts.mx", enforce ? Severity.HIGH : Severity.MEDIUM, subject,
                        "MX host " + mx + " is not covered by the MTA-STS policy" + (enforce ? ": senders will not deliver to it" : ""),
                        policyEvidence, "Add \"mx: " + mx + "\" to the policy and change the id in the TXT record."));
            }
        }
        return findings;
    }

    List<Finding> tlsRpt() {
        String name = "_smtp._tls." + domain;
        String subject = "TLS-RPT " + domain;
        List<String> txt = dns.txt(name) instanceof Lookup.Found<List<String>> found ? found.records() : List.of();
        List<String> candidates = txt.stream().filter(r -> r.toLowerCase(Locale.ROOT).startsWith("v=tlsrptv1")).toList();
        if (candidates.isEmpty()) {
            return List.of(new Finding("tlsrpt.missing", Severity.LOW, subject, "No TLS-RPT record: you do not hear about TLS failures of senders",
                    "TXT " + name + ": no v=TLSRPTv1 record", "Publish \"v=TLSRPTv1; rua=mailto:tlsrpt@" + domain + "\" (RFC 8460 3)."));
        }
        String evidence = String.join("\n", candidates.stream().map(r -> "TXT " + name + " \"" + r + "\"").toList());
        if (TlsRptRecord.select(txt).isEmpty()) {
            return List.of(new Finding("tlsrpt.invalid", Severity.LOW, subject, "The TLS-RPT record is invalid or not unique", evidence,
                    "Publish exactly one record like \"v=TLSRPTv1; rua=mailto:tlsrpt@" + domain + "\"."));
        }
        return List.of(Finding.info("tlsrpt.record", subject, "TLS-RPT record", evidence));
    }
}
