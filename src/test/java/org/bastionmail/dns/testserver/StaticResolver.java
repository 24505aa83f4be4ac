package org.bastionmail.dns.testserver;

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
 * An in-memory DnsResolver for unit tests that need answers but no wire: TXT, A and MX records by name,
 * names whose lookups fail (as a SERVFAIL would), and the TXT names asked, in order. A name that is
 * neither served nor failing does not exist. Names are compared without regard to case (RFC 4343).
 * Tests of the resolver itself, or of the server as a whole, use {@link TestDnsServer} instead.
 */
public final class StaticResolver implements DnsResolver {
    private final Map<String, List<String>> txt = new HashMap<>();
    private final Map<String, List<InetAddress>> a = new HashMap<>();
    private final Map<String, List<MxRecord>> mx = new HashMap<>();
    private final Set<String> failing = new HashSet<>();
    private final List<String> asked = new ArrayList<>();

    /** Serves these TXT records at {@code name}, replacing what was there. */
    public synchronized StaticResolver txt(String name, String... records) {
        txt.put(key(name), List.of(records));
        return this;
    }

    public synchronized StaticResolver a(String name, InetAddress... addresses) {
        a.put(key(name), List.of(addresses));
        return this;
    }

    public synchronized StaticResolver mx(String name, MxRecord... records) {
        mx.put(key(name), List.of(records));
        return this;
    }

    /** Every lookup of {@code name} fails. */
    public synchronized StaticResolver failing(String name) {
        failing.add(key(name));
        return this;
    }

    /** The names TXT lookups were made for, in order, in lower case. */
    public synchronized List<String> asked() {
        return List.copyOf(asked);
    }

    @Override
    public synchronized Lookup<List<String>> txt(String name) {
        asked.add(key(name));
        return answer(txt, name);
    }

    @Override
    public synchronized Lookup<List<InetAddress>> a(String name) {
        return answer(a, name);
    }

    @Override
    public synchronized Lookup<List<InetAddress>> aaaa(String name) {
        return answer(Map.of(), name);
    }

    @Override
    public synchronized Lookup<List<MxRecord>> mx(String name) {
        return answer(mx, name);
    }

    @Override
    public Lookup<List<String>> ptr(InetAddress address) {
        return new Lookup.NoSuchName<>(DnssecStatus.INSECURE);
    }

    private <T> Lookup<List<T>> answer(Map<String, List<T>> served, String name) {
        String key = key(name);
        if (failing.contains(key)) {
            return new Lookup.Failed<>("SERVFAIL", DnssecStatus.INDETERMINATE);
        }
        List<T> records = served.get(key);
        return records == null
                ? new Lookup.NoSuchName<>(DnssecStatus.INSECURE)
                : new Lookup.Found<>(records, DnssecStatus.INSECURE);
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
