package org.bastionmail.iprev;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.Lookup;

/**
 * Forward-confirmed reverse DNS of an SMTP client (RFC 8601 2.7.3 "iprev"): the PTR names of the address are
 * looked up, then the addresses of each name, of the same family as the client's; the check passes when
 * one of them is the client address. At most {@link #MAX_NAMES} PTR names are checked, so a hostile reverse
 * zone cannot make one connection cost unbounded lookups. Thread-safe.
 */
public final class IprevVerifier {
    /** PTR names checked per address; the same bound RFC 7208 4.6.4 sets for the SPF "ptr" mechanism. */
    public static final int MAX_NAMES = 10;

    private final DnsResolver dns;

    public IprevVerifier(DnsResolver dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    /** Checks {@code client}, the address the SMTP connection came from. */
    public IprevResult check(InetAddress client) {
        InetAddress ip = normalize(Objects.requireNonNull(client, "client"));
        String shown = ip.getHostAddress();
        List<String> names;
        switch (dns.ptr(ip)) {
            case Lookup.Failed<List<String>> f -> {
                return new IprevResult(IprevVerdict.TEMPERROR, ip, Optional.empty(), List.of(),
                        "PTR lookup of " + shown + " failed: " + HostNames.printable(f.reason()));
            }
            case Lookup.NoSuchName<List<String>> n -> {
                return noPtr(ip);
            }
            case Lookup.NoRecords<List<String>> n -> {
                return noPtr(ip);
            }
            case Lookup.Found<List<String>> found -> names = found.records();
        }
        if (names.isEmpty()) {
            return noPtr(ip);
        }
        List<String> checked = new ArrayList<>();
        boolean failedLookup = false;
        for (String raw : names.subList(0, Math.min(names.size(), MAX_NAMES))) {
            String name = HostNames.stripDot(raw).toLowerCase(Locale.ROOT);
            checked.add(HostNames.printable(name));
            if (!HostNames.isQueryable(name)) {
                continue; // a name with control characters or empty labels is never queried
            }
            Lookup<List<InetAddress>> forward = ip instanceof Inet6Address ? dns.aaaa(name) : dns.a(name);
            switch (forward) {
                case Lookup.Found<List<InetAddress>> f -> {
                    for (InetAddress address : f.records()) {
                        if (normalize(address).equals(ip)) {
                            return new IprevResult(IprevVerdict.PASS, ip, Optional.of(name), checked,
                                    name + " resolves to " + shown);
                        }
                    }
                }
                case Lookup.Failed<List<InetAddress>> f -> failedLookup = true;
                case Lookup.NoSuchName<List<InetAddress>> n -> { }
                case Lookup.NoRecords<List<InetAddress>> n -> { }
            }
        }
        String more = names.size() > MAX_NAMES ? " (only the first " + MAX_NAMES + " of " + names.size() + " checked)" : "";
        if (failedLookup) {
            // RFC 8601 2.7.3: a failed forward lookup may have held the match, so this is not a fail
            return new IprevResult(IprevVerdict.TEMPERROR, ip, Optional.empty(), checked,
                    "a forward lookup of a PTR name of " + shown + " failed" + more);
        }
        return new IprevResult(IprevVerdict.FAIL, ip, Optional.empty(), checked,
                "no PTR name of " + shown + " resolves back to it: " + String.join(", ", checked) + more);
    }

    private static IprevResult noPtr(InetAddress ip) {
        return new IprevResult(IprevVerdict.PERMERROR, ip, Optional.empty(), List.of(),
                "no PTR record for " + ip.getHostAddress());
    }

    /** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 client it stands for. */
    static InetAddress normalize(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return address;
    }
}
