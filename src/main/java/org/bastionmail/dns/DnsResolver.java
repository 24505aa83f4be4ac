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

    /**
     * TLSA records (RFC 6698 2) at {@code name}, e.g. {@code _25._tcp.mx.example.com} (RFC 7672 2.2). DANE
     * only uses a {@link DnssecStatus#SECURE} answer; the default answers "not supported" for resolvers
     * (and test fakes) without TLSA support, which DANE callers treat as a failed lookup.
     */
    default Lookup<List<TlsaRecord>> tlsa(String name) {
        return new Lookup.Failed<>("TLSA lookups not supported", DnssecStatus.INDETERMINATE);
    }

    /**
     * The CNAME record at {@code name} itself, not followed (RFC 1034 3.6.2): for checks that a name must not
     * be an alias, such as an MX exchange (RFC 2181 10.3). The default answers "not supported".
     */
    default Lookup<List<String>> cname(String name) {
        return new Lookup.Failed<>("CNAME lookups not supported", DnssecStatus.INDETERMINATE);
    }

    /** One MX record: preference and exchange host name (without trailing dot). */
    record MxRecord(int preference, String exchange) {}
}
