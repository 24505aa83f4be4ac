package org.bastionmail.audit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.Lookup;

/**
 * Record-level analysis of a domain's SPF policy (RFC 7208): what an evaluation would run into before any
 * mail arrives. It walks include: and redirect= like an evaluator, counting the DNS-querying terms (limit 10,
 * RFC 7208 4.6.4) and void lookups (limit 2), without expanding macros.
 */
final class SpfAudit {
    static final int LOOKUP_LIMIT = 10;
    static final int VOID_LIMIT = 2;
    /** Bounds the walk whatever the records say: more records than the limit allows are an error anyway. */
    private static final int MAX_RECORDS = 30;
    private static final Pattern MECHANISM = Pattern.compile(
            "(?i)[+?~-]?(all|include:.+|a(:.+)?(/[0-9]{1,3}(//[0-9]{1,3})?)?|a//[0-9]{1,3}|mx(:.+)?(/[0-9]{1,3}(//[0-9]{1,3})?)?|mx//[0-9]{1,3}"
                    + "|ptr(:.+)?|ip4:[0-9.]+(/[0-9]{1,2})?|ip6:[0-9a-f:.]+(/[0-9]{1,3})?|exists:.+)");
    private static final Pattern MODIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*=.*");

    private final DnsResolver dns;
    private final String domain;
    private final List<Finding> findings = new ArrayList<>();
    private int lookups;
    private int voids;
    private int records;
    private final Set<String> visited = new HashSet<>();
    private final List<String> trail = new ArrayList<>();
    private boolean ptr;

    SpfAudit(DnsResolver dns, String domain) {
        this.dns = dns;
        this.domain = domain;
    }

    List<Finding> run() {
        List<String> spf = spfRecords(domain);
        String subject = "SPF " + domain;
        if (spf == null) {
            return findings;
        }
        if (spf.isEmpty()) {
            findings.add(new Finding("spf.missing", Severity.MEDIUM, subject, "No SPF record: anyone can send mail as " + domain,
                    "TXT " + domain + ": no v=spf1 record", "Publish an SPF record listing your outgoing servers, ending in -all or ~all, e.g. \"v=spf1 mx -all\"."));
            return findings;
        }
        if (spf.size() > 1) {
            findings.add(new Finding("spf.multiple", Severity.HIGH, subject, "More than one SPF record: every SPF check is a permerror (RFC 7208 4.5)",
                    String.join("\n", spf.stream().map(r -> "TXT " + domain + " \"" + r + "\"").toList()), "Merge them into one record."));
            return findings;
        }
        String record = spf.getFirst();
        walk(domain, record, 0, true);
        if (lookups > LOOKUP_LIMIT) {
            findings.add(new Finding("spf.lookups", Severity.HIGH, subject,
                    "The policy needs " + lookups + " DNS lookups, more than " + LOOKUP_LIMIT + ": receivers get a permerror (RFC 7208 4.6.4)",
                    String.join("\n", trail), "Flatten includes into ip4:/ip6: ranges or drop unused ones."));
        }
        if (voids > VOID_LIMIT) {
            findings.add(new Finding("spf.void-lookups", Severity.MEDIUM, subject,
                    voids + " lookups find nothing, more than " + VOID_LIMIT + ": receivers may give a permerror (RFC 7208 4.6.4)",
                    String.join("\n", trail), "Remove mechanisms that point at names without records."));
        }
        if (ptr) {
            findings.add(new Finding("spf.ptr", Severity.LOW, subject, "The policy uses ptr, which RFC 7208 5.5 says not to use",
                    String.join("\n", trail), "Replace ptr with ip4:/ip6: or a mechanisms."));
        }
        if (lookups <= LOOKUP_LIMIT && findings.stream().noneMatch(f -> f.id().equals("spf.syntax"))) {
            findings.add(Finding.info("spf.policy", subject, "SPF policy: " + record, String.join("\n", trail)));
        }
        return findings;
    }

    /** The v=spf1 records at {@code name}; empty when none; null (after recording an error finding) when DNS failed. */
    private List<String> spfRecords(String name) {
        Lookup<List<String>> txt = dns.txt(name);
        if (txt instanceof Lookup.Failed<List<String>> failed) {
            findings.add(new Finding("spf.dns", Severity.MEDIUM, "SPF " + domain, "The SPF lookup fails: receivers get a temperror",
                    "TXT " + name + ": " + failed.reason() + " (DNSSEC " + failed.dnssec() + ")", "Fix the DNS servers of " + name + "."));
            return null;
        }
        if (!(txt instanceof Lookup.Found<List<String>> found)) {
            return List.of();
        }
        // RFC 7208 4.5: "v=spf1" exactly, followed by a space or the end
        return found.records().stream().filter(r -> r.equalsIgnoreCase("v=spf1") || r.toLowerCase(Locale.ROOT).startsWith("v=spf1 ")).toList();
    }

    private void walk(String name, String record, int depth, boolean top) {
        trail.add("  ".repeat(depth) + name + ": \"" + record + "\"");
        if (++records > MAX_RECORDS || !visited.add(name.toLowerCase(Locale.ROOT))) {
            return;
        }
        String redirect = null;
        boolean hasAll = false;
        for (String term : record.strip().split(" +")) {
            if (term.equalsIgnoreCase("v=spf1")) {
                continue;
            }
            String lower = term.toLowerCase(Locale.ROOT);
            if (MODIFIER.matcher(term).matches() && !lower.matches("[+?~-]?(include|a|mx|ptr|ip4|ip6|exists|all)[:/=].*")) {
                if (lower.startsWith("redirect=")) {
                    redirect = term.substring("redirect=".length());
                }
                continue;
            }
            if (!MECHANISM.matcher(term).matches()) {
                findings.add(new Finding("spf.syntax", Severity.HIGH, "SPF " + domain, "Invalid SPF term \"" + term + "\": receivers get a permerror",
                        "TXT " + name + " \"" + record + "\"", "Correct the record's syntax (RFC 7208 12)."));
                continue;
            }
            boolean qualified = "+-~?".indexOf(lower.charAt(0)) >= 0;
            char q = qualified ? lower.charAt(0) : '+';
            String mechanism = qualified ? lower.substring(1) : lower;
            if (mechanism.equals("all")) {
                hasAll = true;
                if (top && (q == '+' || q == '?')) {
                    boolean pass = q == '+';
                    findings.add(new Finding(pass ? "spf.all.pass" : "spf.all.neutral", pass ? Severity.CRITICAL : Severity.MEDIUM, "SPF " + domain,
                            pass ? "The SPF policy ends in +all: every host on the Internet passes as " + domain
                                    : "The SPF policy ends in ?all: it asserts nothing about other hosts",
                            "TXT " + name + " \"" + record + "\"", "End the record with -all (or ~all while testing)."));
                }
            } else if (mechanism.startsWith("include:")) {
                lookups++;
                String target = mechanism.substring("include:".length());
                if (!target.contains("%")) {
                    List<String> included = spfRecords(target);
                    if (included != null && included.isEmpty()) {
                        voids++;
                        trail.add("  ".repeat(depth + 1) + target + ": no SPF record (void lookup; the include is a permerror)");
                    } else if (included != null && included.size() == 1) {
                        walk(target, included.getFirst(), depth + 1, false);
                    }
                }
            } else if (mechanism.startsWith("a") || mechanism.startsWith("mx") || mechanism.startsWith("exists")) {
                lookups++;
                // an mx mechanism costs one lookup plus one per MX host (RFC 7208 4.6.4); counted as one here
            } else if (mechanism.startsWith("ptr")) {
                lookups++;
                ptr = true;
            }
        }
        if (redirect != null && !hasAll) {
            lookups++;
            if (!redirect.contains("%")) {
                List<String> target = spfRecords(redirect);
                if (target != null && target.size() == 1) {
                    walk(redirect, target.getFirst(), depth + 1, top);
                } else if (target != null && target.isEmpty()) {
                    voids++;
                }
            }
        } else if (top && !hasAll) {
            findings.add(new Finding("spf.no-all", Severity.LOW, "SPF " + domain, "The SPF policy has no all mechanism: other hosts get neutral",
                    "TXT " + name + " \"" + record + "\"", "End the record with -all or ~all."));
        }
    }
}
