package org.bastionmail.audit;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bastionmail.dane.DaneLookup;
import org.bastionmail.dane.DanePolicy;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.DnssecStatus;
import org.bastionmail.dns.Lookup;
import org.bastionmail.dns.TlsaRecord;
import org.bastionmail.iprev.IprevResult;
import org.bastionmail.iprev.IprevVerdict;
import org.bastionmail.iprev.IprevVerifier;

/** The DNS side of one mail host: its addresses, their reverse DNS (RFC 8601 2.7.3), and its TLSA records (RFC 7672). */
final class HostAudit {
    private final DnsResolver dns;
    private final int port;

    HostAudit(DnsResolver dns, int port) {
        this.dns = dns;
        this.port = port;
    }

    /** The host's addresses, or the findings of why there are none. */
    record Addresses(List<InetAddress> addresses, DnssecStatus dnssec, List<Finding> findings) {}

    Addresses addresses(String host) {
        List<Finding> findings = new ArrayList<>();
        List<InetAddress> addresses = new ArrayList<>();
        DnssecStatus status = DnssecStatus.INDETERMINATE;
        StringBuilder evidence = new StringBuilder();
        for (Lookup<List<InetAddress>> lookup : List.of(dns.a(host), dns.aaaa(host))) {
            if (lookup instanceof Lookup.Found<List<InetAddress>> found) {
                addresses.addAll(found.records());
                status = found.dnssec();
            }
            evidence.append(host).append(": ").append(describe(lookup)).append('\n');
        }
        if (addresses.isEmpty()) {
            findings.add(new Finding("dns.mx.dangling", Severity.HIGH, host, "The mail host " + host + " has no address: mail to it cannot be delivered",
                    evidence.toString().strip(), "Point the MX record at a host name with A/AAAA records (RFC 5321 5.1)."));
        }
        return new Addresses(addresses, status, findings);
    }

    List<Finding> reverse(String host, InetAddress address) {
        IprevResult result = new IprevVerifier(dns).check(address);
        String subject = host + "[" + address.getHostAddress() + "]";
        String evidence = "PTR " + address.getHostAddress() + ": " + result.ptrNames() + " -> " + result.verdict().keyword();
        if (result.verdict() == IprevVerdict.TEMPERROR) {
            throw new IllegalStateException("the reverse DNS lookups failed: " + result.reason());
        }
        if (result.verdict() == IprevVerdict.PASS) {
            return List.of(Finding.info("dns.fcrdns", subject, "Forward-confirmed reverse DNS: " + result.name().orElse(""), evidence));
        }
        return List.of(new Finding("dns.fcrdns", Severity.MEDIUM, subject,
                "The address has no forward-confirmed reverse DNS (" + result.verdict().keyword() + "): receivers may refuse mail it sends",
                evidence, "Ask the address's owner for a PTR record naming " + host + ", which resolves back to the address."));
    }

    /** The DANE side: TLSA records, their DNSSEC status, and the policy the served certificate must then match. */
    record Dane(Optional<DanePolicy> policy, List<Finding> findings) {}

    Dane dane(String host) {
        String name = new DaneLookup(dns, port).tlsaName(host);
        Lookup<List<TlsaRecord>> lookup = dns.tlsa(name);
        String subject = "DANE " + host;
        if (lookup instanceof Lookup.Failed<List<TlsaRecord>> failed) {
            if (failed.dnssec() == DnssecStatus.BOGUS) {
                return new Dane(Optional.empty(), List.of(new Finding("dane.bogus", Severity.HIGH, subject,
                        "The TLSA lookup is DNSSEC-bogus: DANE senders defer all mail to this host", "TLSA " + name + ": " + failed.reason(),
                        "Fix the zone's signatures (re-sign, check DS records).")));
            }
            return new Dane(Optional.empty(), List.of(Finding.info("dane.lookup", subject, "TLSA lookup failed", "TLSA " + name + ": " + failed.reason())));
        }
        if (!(lookup instanceof Lookup.Found<List<TlsaRecord>> found)) {
            return new Dane(Optional.empty(), List.of(Finding.info("dane.missing", subject, "No TLSA records (no DANE)", "TLSA " + name + ": none")));
        }
        List<Finding> findings = new ArrayList<>();
        String evidence = String.join("\n", found.records().stream().map(r -> "TLSA " + name + " " + r).toList()) + "\n(DNSSEC " + found.dnssec() + ")";
        if (found.dnssec() != DnssecStatus.SECURE) {
            findings.add(new Finding("dane.insecure", Severity.MEDIUM, subject,
                    "TLSA records are published without DNSSEC: senders ignore them (RFC 7672 2.2)", evidence,
                    "Sign the zone with DNSSEC and publish its DS record, or remove the TLSA records."));
        }
        // RFC 7672 3.1: only DANE-TA(2) and DANE-EE(3) are used for SMTP; selectors 0/1, matching types 0/1/2
        List<TlsaRecord> usable = found.records().stream()
                .filter(r -> (r.usage() == 2 || r.usage() == 3) && r.selector() <= 1 && r.matchingType() <= 2).toList();
        if (usable.isEmpty()) {
            findings.add(new Finding("dane.unusable", Severity.MEDIUM, subject, "No TLSA record is usable for SMTP (only DANE-TA(2) and DANE-EE(3) are, RFC 7672 3.1)",
                    evidence, "Publish a 3 1 1 record of the server's public key."));
            return new Dane(Optional.empty(), findings);
        }
        return new Dane(Optional.of(new DanePolicy.Required(host, usable)), findings);
    }

    static String describe(Lookup<?> lookup) {
        return switch (lookup) {
            case Lookup.Found<?> f -> f.records() + " (DNSSEC " + f.dnssec() + ")";
            case Lookup.NoSuchName<?> n -> "NXDOMAIN (DNSSEC " + n.dnssec() + ")";
            case Lookup.NoRecords<?> n -> "no records (DNSSEC " + n.dnssec() + ")";
            case Lookup.Failed<?> f -> "failed: " + f.reason() + " (DNSSEC " + f.dnssec() + ")";
        };
    }
}
