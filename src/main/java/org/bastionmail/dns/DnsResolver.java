package org.bastionmail.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * The DNS lookups Bastion makes: for SPF, DKIM, DMARC, reverse DNS, MX routing, MTA-STS and DANE.
 *
 * <p>Every answer carries its DNSSEC status ({@link DnssecStatus}); a bogus answer is never handed out as
 * data. Implementations are safe to call from virtual threads and never pin their carriers while waiting.
 * Names are absolute domain names without the trailing dot, in any case; UTF-8 labels are converted to
 * A-labels by the implementation.
 */
public interface DnsResolver {
    /** TXT records; each record's character-strings are concatenated (RFC 7208 3.3, RFC 6376 3.6.2.2). */
    Lookup<List<String>> txt(String name);

    Lookup<List<InetAddress>> a(String name);

    Lookup<List<InetAddress>> aaaa(String name);

    /** MX records, in the order the server gave them (callers sort by preference). */
    Lookup<List<MxRecord>> mx(String name);

    /** PTR names of an address (the in-addr.arpa / ip6.arpa name is built by the implementation). */
    Lookup<List<String>> ptr(InetAddress address);

    /** One MX record: preference and exchange host name (without trailing dot). */
    record MxRecord(int preference, String exchange) {}
}
