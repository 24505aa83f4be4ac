package org.bastionmail.iprev;

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

/** An in-memory DnsResolver: PTR and address records, names whose lookups fail, and a log of queries. */
final class FakeDns implements DnsResolver {
    private final Map<InetAddress, List<String>> ptr = new HashMap<>();
    private final Map<String, List<InetAddress>> addresses = new HashMap<>();
    private final Set<String> failing = new HashSet<>();
    final List<String> asked = new ArrayList<>();

    FakeDns ptr(String ip, String... names) {
        ptr.put(InetAddress.ofLiteral(ip), List.of(names));
        return this;
    }

    FakeDns address(String name, String... ips) {
        addresses.put(name.toLowerCase(Locale.ROOT), java.util.Arrays.stream(ips).map(InetAddress::ofLiteral).toList());
        return this;
    }

    /** Lookups of this name (or of the PTR of this address) fail. */
    FakeDns failing(String nameOrIp) {
        failing.add(nameOrIp.toLowerCase(Locale.ROOT));
        return this;
    }

    @Override
    public synchronized Lookup<List<String>> ptr(InetAddress address) {
        asked.add("PTR " + address.getHostAddress());
        if (failing.contains(address.getHostAddress())) {
            return new Lookup.Failed<>("timeout", DnssecStatus.INDETERMINATE);
        }
        List<String> names = ptr.get(address);
        return names == null ? new Lookup.NoSuchName<>(DnssecStatus.INSECURE) : new Lookup.Found<>(names, DnssecStatus.INSECURE);
    }

    @Override
    public Lookup<List<InetAddress>> a(String name) {
        return addresses(name, "A", java.net.Inet4Address.class);
    }

    @Override
    public Lookup<List<InetAddress>> aaaa(String name) {
        return addresses(name, "AAAA", java.net.Inet6Address.class);
    }

    private synchronized Lookup<List<InetAddress>> addresses(String name, String type, Class<?> family) {
        String key = name.toLowerCase(Locale.ROOT);
        asked.add(type + " " + key);
        if (failing.contains(key)) {
            return new Lookup.Failed<>("SERVFAIL", DnssecStatus.INDETERMINATE);
        }
        List<InetAddress> all = addresses.get(key);
        if (all == null) {
            return new Lookup.NoSuchName<>(DnssecStatus.INSECURE);
        }
        List<InetAddress> ofType = all.stream().filter(family::isInstance).toList();
        return ofType.isEmpty() ? new Lookup.NoRecords<>(DnssecStatus.INSECURE) : new Lookup.Found<>(ofType, DnssecStatus.INSECURE);
    }

    @Override
    public Lookup<List<String>> txt(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Lookup<List<MxRecord>> mx(String name) {
        throw new UnsupportedOperationException();
    }
}
