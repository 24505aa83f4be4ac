package org.bastionmail.audit;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bastionmail.dmarc.DmarcRecord;
import org.bastionmail.dmarc.PublicSuffixList;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.Lookup;

/** DMARC (RFC 7489) and DKIM key (RFC 6376 3.6.1) records of a domain. */
final class PolicyRecordsAudit {
    private static final int MAX_KEY_RECORD = 8192;
    private static final PublicSuffixList PSL = PublicSuffixList.bundled();

    private final DnsResolver dns;
    private final String domain;

    PolicyRecordsAudit(DnsResolver dns, String domain) {
        this.dns = dns;
        this.domain = domain;
    }

    List<Finding> dmarc() {
        List<Finding> findings = new ArrayList<>();
        String subject = "DMARC " + domain;
        String name = "_dmarc." + domain;
        Lookup<List<String>> txt = dns.txt(name);
        if (txt instanceof Lookup.Failed<List<String>> failed) {
            findings.add(failedLookup(subject, name, failed));
            return findings;
        }
        List<String> records = dmarcRecords(txt);
        boolean inherited = false;
        String evidencePrefix = "";
        if (records.isEmpty()) {
            // RFC 7489 6.6.3: without a record at the domain, receivers use the organizational domain's, with its sp=
            String organizational = PSL.organizationalDomain(domain);
            String orgName = "_dmarc." + organizational;
            if (!organizational.equals(domain)) {
                Lookup<List<String>> orgTxt = dns.txt(orgName);
                if (orgTxt instanceof Lookup.Failed<List<String>> failed) {
                    findings.add(failedLookup(subject, orgName, failed));
                    return findings;
                }
                records = dmarcRecords(orgTxt);
                if (!records.isEmpty()) {
                    inherited = true;
                    evidencePrefix = "TXT " + name + ": no v=DMARC1 record\n(organizational domain " + organizational + ", RFC 7489 6.6.3)\n";
                    name = orgName;
                }
            }
            if (records.isEmpty()) {
                findings.add(new Finding("dmarc.missing", Severity.MEDIUM, subject, "No DMARC record: receivers have no policy for mail forged as " + domain,
                        "TXT " + name + ": no v=DMARC1 record" + (organizational.equals(domain) ? "" : "\nTXT " + orgName + ": no v=DMARC1 record"),
                        "Publish \"v=DMARC1; p=none; rua=mailto:dmarc@" + domain + "\", read the reports, then move to p=quarantine and p=reject."));
                return findings;
            }
        }
        String recordName = name;
        String evidence = evidencePrefix + String.join("\n", records.stream().map(r -> "TXT " + recordName + " \"" + r + "\"").toList());
        if (records.size() > 1) {
            findings.add(new Finding("dmarc.multiple", Severity.HIGH, subject, "More than one DMARC record: receivers ignore them all (RFC 7489 6.6.3)",
                    evidence, "Keep exactly one record."));
            return findings;
        }
        DmarcRecord record;
        try {
            record = DmarcRecord.parse(records.getFirst());
        } catch (IllegalArgumentException e) {
            findings.add(new Finding("dmarc.invalid", Severity.HIGH, subject, "The DMARC record is invalid: " + e.getMessage(), evidence,
                    "Correct the record (RFC 7489 6.4), e.g. \"v=DMARC1; p=reject; rua=mailto:dmarc@" + domain + "\"."));
            return findings;
        }
        // a subdomain without its own record gets the organizational domain's sp=, or its p= when sp= is absent
        DmarcRecord.Policy policy = inherited ? record.subdomainPolicy().orElse(record.policy()) : record.policy();
        String tag = inherited && record.subdomainPolicy().isPresent() ? "sp" : "p";
        String from = inherited ? " (inherited from the organizational domain)" : "";
        if (inherited) {
            findings.add(Finding.info("dmarc.inherited", subject, "No DMARC record of its own: the organizational domain's applies, " + tag + "="
                    + policy.keyword(), evidence));
        }
        switch (policy) {
            case NONE -> findings.add(new Finding("dmarc.policy.none", Severity.MEDIUM, subject,
                    "DMARC policy " + tag + "=none" + from + ": forged mail is delivered as usual", evidence,
                    "Move to " + tag + "=quarantine, then " + tag + "=reject, once the reports show your own mail aligned."));
            case QUARANTINE -> findings.add(new Finding("dmarc.policy.quarantine", Severity.LOW, subject,
                    "DMARC policy " + tag + "=quarantine" + from + ": forged mail reaches spam folders", evidence,
                    "Move to " + tag + "=reject once the reports show no legitimate failures."));
            case REJECT -> findings.add(Finding.info("dmarc.policy", subject, "DMARC policy " + tag + "=reject" + from, evidence));
        }
        if (!inherited && record.policy() != DmarcRecord.Policy.NONE && record.subdomainPolicy().orElse(record.policy()) == DmarcRecord.Policy.NONE) {
            findings.add(new Finding("dmarc.subdomains", Severity.LOW, subject, "sp=none: forged mail from subdomains is not rejected", evidence, "Remove sp=none or set it like p."));
        }
        if (record.percent() < 100) {
            findings.add(new Finding("dmarc.pct", Severity.LOW, subject, "pct=" + record.percent() + ": the policy applies to part of the failing mail only",
                    evidence, "Remove pct= (100 is the default)."));
        }
        if (record.aggregateReports().isEmpty()) {
            findings.add(new Finding("dmarc.rua", Severity.LOW, subject, "No rua=: you get no aggregate reports about mail sent as " + domain,
                    evidence, "Add rua=mailto:dmarc-reports@" + domain + "."));
        }
        return findings;
    }

    private static List<String> dmarcRecords(Lookup<List<String>> txt) {
        return txt instanceof Lookup.Found<List<String>> found
                ? found.records().stream().filter(r -> r.strip().toLowerCase(Locale.ROOT).replace(" ", "").startsWith("v=dmarc1")).toList()
                : List.of();
    }

    private Finding failedLookup(String subject, String name, Lookup.Failed<List<String>> failed) {
        return new Finding("dmarc.dns", Severity.MEDIUM, subject, "The DMARC lookup fails", "TXT " + name + ": " + failed.reason(),
                "Fix the DNS servers of " + domain + ".");
    }

    List<Finding> dkim(List<String> selectors, boolean given) {
        List<Finding> findings = new ArrayList<>();
        List<String> found = new ArrayList<>();
        for (String selector : selectors) {
            String name = selector + "._domainkey." + domain;
            if (!(dns.txt(name) instanceof Lookup.Found<List<String>> txt)) {
                continue;
            }
            for (String record : txt.records()) {
                String subject = "DKIM " + name;
                String evidence = "TXT " + name + " \"" + ProbeSession.abbreviate(record) + "\"";
                found.add(selector);
                if (record.length() > MAX_KEY_RECORD) {
                    findings.add(new Finding("dkim.invalid", Severity.MEDIUM, subject, "The DKIM key record is too long to be read", evidence, "Publish a valid key record."));
                    continue;
                }
                Map<String, String> tags = tags(record);
                String type = tags.getOrDefault("k", "rsa").toLowerCase(Locale.ROOT);
                String p = tags.getOrDefault("p", "").replaceAll("\\s", "");
                if (!tags.containsKey("p")) {
                    findings.add(new Finding("dkim.invalid", Severity.MEDIUM, subject, "The DKIM key record has no p= tag", evidence, "Publish the public key in p=."));
                } else if (p.isEmpty()) {
                    findings.add(Finding.info("dkim.revoked", subject, "The DKIM key of selector " + selector + " is revoked (empty p=)", evidence));
                } else if (type.equals("rsa")) {
                    rsaBits(p).ifPresentOrElse(bits -> findings.add(bits < 1024
                            ? new Finding("dkim.key-size", Severity.HIGH, subject, "The DKIM RSA key has only " + bits + " bits: receivers ignore it (RFC 8301 3.2) and it can be factored",
                                    evidence, "Generate a 2048-bit RSA key (bastion dkim generate) and publish it under a new selector.")
                            : bits < 2048
                            ? new Finding("dkim.key-size", Severity.LOW, subject, "The DKIM RSA key has " + bits + " bits; 2048 is recommended (RFC 8301 3.2)",
                                    evidence, "Rotate to a 2048-bit RSA key.")
                            : Finding.info("dkim.key", subject, "DKIM RSA key of " + bits + " bits", evidence)),
                            () -> findings.add(new Finding("dkim.invalid", Severity.MEDIUM, subject, "The DKIM key in p= cannot be read", evidence, "Publish the key as base64 DER SubjectPublicKeyInfo.")));
                } else {
                    findings.add(Finding.info("dkim.key", subject, "DKIM " + type + " key", evidence));
                }
                if (tags.getOrDefault("t", "").toLowerCase(Locale.ROOT).matches("(.*:)?\\s*y\\s*(:.*)?")) {
                    findings.add(new Finding("dkim.testing", Severity.LOW, subject, "t=y: receivers treat the signatures as a test", evidence, "Remove t=y once signing works."));
                }
            }
        }
        if (found.isEmpty()) {
            findings.add(new Finding("dkim.missing", given ? Severity.MEDIUM : Severity.INFO, "DKIM " + domain,
                    "No DKIM key found under the selector" + (selectors.size() > 1 ? "s " : " ") + String.join(", ", selectors),
                    String.join("\n", selectors.stream().map(s -> "TXT " + s + "._domainkey." + domain + ": none").toList()),
                    given ? "Publish the DKIM key of each selector you sign with." : "Name your selectors with --dkim-selector to check them."));
        }
        return findings;
    }

    private static java.util.Optional<Integer> rsaBits(String base64) {
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            var key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
            BigInteger modulus = ((RSAPublicKey) key).getModulus();
            return java.util.Optional.of(modulus.bitLength());
        } catch (IllegalArgumentException | java.security.GeneralSecurityException | ClassCastException e) {
            return java.util.Optional.empty();
        }
    }

    /** RFC 6376 3.2 tag=value list, leniently: this only reads what the audit reports. */
    private static Map<String, String> tags(String record) {
        Map<String, String> tags = new HashMap<>();
        for (String part : record.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                tags.putIfAbsent(part.substring(0, eq).strip().toLowerCase(Locale.ROOT), part.substring(eq + 1).strip());
            }
        }
        return tags;
    }
}
