package org.bastionmail.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.DnssecStatus;
import org.bastionmail.dns.Lookup;

/**
 * A DnsResolver over in-memory zone data in the shape of the openspf test suite: per name, an ordered list of
 * entries (type, value) or TIMEOUT. Like the suite's reference driver, a TIMEOUT entry makes a query time out
 * unless a record of the asked type came before it; CNAMEs are followed (a loop is a failure).
 */
final class ZoneResolver implements DnsResolver {
    /** One zone entry; {@code type} "TIMEOUT" has no value. */
    record Entry(String type, Object value) {
        static final Entry TIMEOUT = new Entry("TIMEOUT", "");
    }

    private final Map<String, List<Entry>> zone = new HashMap<>();
    private final List<String> queries = new ArrayList<>();

    ZoneResolver add(String name, String type, Object value) {
        zone.computeIfAbsent(key(name), k -> new ArrayList<>()).add(new Entry(type, value));
        return this;
    }

    ZoneResolver timeout(String name) {
        zone.computeIfAbsent(key(name), k -> new ArrayList<>()).add(Entry.TIMEOUT);
        return this;
    }

    /** Every query made, as "TYPE name". */
    List<String> queries() {
        return queries;
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private <T> Lookup<List<T>> lookup(String name, String type, java.util.function.Function<Object, T> convert) {
        queries.add(type + " " + name);
        String current = key(name);
        Set<String> seen = new HashSet<>();
        while (true) {
            if (!seen.add(current)) {
                return new Lookup.Failed<>("CNAME loop at " + current, DnssecStatus.INSECURE);
            }
            List<Entry> entries = zone.get(current);
            if (entries == null) {
                return new Lookup.NoSuchName<>(DnssecStatus.INSECURE);
            }
            String cname = null;
            List<T> found = new ArrayList<>();
            for (Entry e : entries) {
                if (e == Entry.TIMEOUT) {
                    if (found.isEmpty()) {
                        return new Lookup.Failed<>("timeout", DnssecStatus.INDETERMINATE);
                    }
                    break;
                }
                if (e.type().equals(type)) {
                    found.add(convert.apply(e.value()));
                } else if (e.type().equals("CNAME")) {
                    cname = key(String.valueOf(e.value()));
                }
            }
            if (!found.isEmpty()) {
                return new Lookup.Found<>(List.copyOf(found), DnssecStatus.INSECURE);
            }
            if (cname == null) {
                return new Lookup.NoRecords<>(DnssecStatus.INSECURE);
            }
            current = cname;
        }
    }

    @Override
    public Lookup<List<String>> txt(String name) {
        return lookup(name, "TXT", v -> (String) v);
    }

    @Override
    public Lookup<List<InetAddress>> a(String name) {
        return lookup(name, "A", v -> InetAddress.ofLiteral((String) v));
    }

    @Override
    public Lookup<List<InetAddress>> aaaa(String name) {
        return lookup(name, "AAAA", v -> InetAddress.ofLiteral((String) v));
    }

    @Override
    public Lookup<List<MxRecord>> mx(String name) {
        return lookup(name, "MX", v -> (MxRecord) v);
    }

    @Override
    public Lookup<List<String>> ptr(InetAddress address) {
        return lookup(reverseName(address), "PTR", v -> key((String) v));
    }

    static String reverseName(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder out = new StringBuilder();
        if (address instanceof Inet4Address) {
            for (int i = 3; i >= 0; i--) {
                out.append(b[i] & 0xff).append('.');
            }
            return out.append("in-addr.arpa").toString();
        }
        for (int i = 15; i >= 0; i--) {
            out.append(Character.forDigit(b[i] & 0xf, 16)).append('.')
                    .append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append('.');
        }
        return out.append("ip6.arpa").toString();
    }
}
