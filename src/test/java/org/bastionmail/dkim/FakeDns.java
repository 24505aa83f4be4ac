package org.bastionmail.dkim;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.DnssecStatus;
import org.bastionmail.dns.Lookup;

/** An in-memory DnsResolver for DKIM tests: TXT records by name, and names whose lookups fail. */
final class FakeDns implements DnsResolver {
    private final Map<String, List<String>> txt = new HashMap<>();
    private final Set<String> failing = new HashSet<>();
    final List<String> asked = new java.util.ArrayList<>();

    FakeDns txt(String name, String... records) {
        txt.put(name.toLowerCase(Locale.ROOT), List.of(records));
        return this;
    }

    FakeDns failing(String name) {
        failing.add(name.toLowerCase(Locale.ROOT));
        return this;
    }

    @Override
    public synchronized Lookup<List<String>> txt(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        asked.add(key);
        if (failing.contains(key)) {
            return new Lookup.Failed<>("SERVFAIL", DnssecStatus.INDETERMINATE);
        }
        List<String> records = txt.get(key);
        return records == null
                ? new Lookup.NoSuchName<>(DnssecStatus.INSECURE)
                : new Lookup.Found<>(records, DnssecStatus.INSECURE);
    }

    @Override
    public Lookup<List<InetAddress>> a(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Lookup<List<InetAddress>> aaaa(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Lookup<List<MxRecord>> mx(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Lookup<List<String>> ptr(InetAddress address) {
        throw new UnsupportedOperationException();
    }
}
