package org.bastionmail.routing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.DnsResolver.MxRecord;
import org.bastionmail.dns.DnssecStatus;
import org.bastionmail.dns.Lookup;
import org.bastionmail.smtp.client.Endpoint;

/**
 * Finds the hosts that receive mail for a domain (RFC 5321 5.1), or the smarthost's addresses.
 *
 * <p>MX records are sorted by preference and shuffled among equal preferences; a domain without MX
 * records is its own implicit MX; a null MX (RFC 7505) is a permanent failure; a DNS failure is temporary.
 * An MX target that is an alias is tolerated, since the resolver follows CNAMEs (RFC 5321 5.1 forbids it
 * but every MTA copes); one that is an IP address instead of a name is refused.
 */
public final class MxResolver {
    private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private final DnsResolver dns;
    private final RoutingSettings settings;
    private final RandomGenerator random;

    public MxResolver(DnsResolver dns, RoutingSettings settings, RandomGenerator random) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The route for mail to {@code domain} (a domain name, or an address literal such as {@code [192.0.2.1]}). */
    public Route route(String domain) {
        String name = RoutingSettings.normalise(domain);
        if (name.startsWith("[")) {
            return literalRoute(name);
        }
        Lookup<List<MxRecord>> mx = dns.mx(name);
        return switch (mx) {
            case Lookup.Failed<List<MxRecord>> f ->
                    new Route.TemporaryFailure("4.4.3", "MX lookup for " + name + " failed: " + f.reason());
            // RFC 3463 X.1.2: the destination system does not exist
            case Lookup.NoSuchName<List<MxRecord>> n -> new Route.PermanentFailure("5.1.2", "domain " + name + " does not exist");
            // RFC 5321 5.1: no MX, so the domain itself is the implicit MX, preference 0
            case Lookup.NoRecords<List<MxRecord>> n -> fromHosts(name, List.of(new MxRecord(0, name)), n.dnssec(), true);
            case Lookup.Found<List<MxRecord>> found -> fromMx(name, found.records(), found.dnssec());
        };
    }

    private Route fromMx(String domain, List<MxRecord> records, DnssecStatus status) {
        List<MxRecord> real = records.stream().filter(r -> !isNullMx(r)).toList();
        if (real.isEmpty()) {
            // RFC 7505 3, 4.1: a null MX says the domain accepts no mail
            return new Route.PermanentFailure("5.1.10", "domain " + domain + " accepts no mail (null MX)");
        }
        List<MxRecord> ordered = order(real);
        // RFC 5321 5.1: if this server is one of the MX hosts, only those preferred over it may be used
        OptionalInt self = ordered.stream().filter(r -> settings.localHostnames().contains(RoutingSettings.normalise(r.exchange())))
                .mapToInt(MxRecord::preference).min();
        if (self.isPresent()) {
            ordered = ordered.stream().filter(r -> r.preference() < self.getAsInt()).toList();
            if (ordered.isEmpty()) {
                return new Route.PermanentFailure("5.4.6", "mail for " + domain + " loops back to this server (best MX)");
            }
        }
        return fromHosts(domain, ordered, status, false);
    }

    /** RFC 7505 3: the exchange "." (the root). */
    private static boolean isNullMx(MxRecord record) {
        return record.exchange().equals(".") || record.exchange().isEmpty();
    }

    /** By preference; a random order among equals (RFC 5321 5.1), so that load spreads. */
    private List<MxRecord> order(List<MxRecord> records) {
        TreeMap<Integer, List<MxRecord>> byPreference = new TreeMap<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (MxRecord r : records) {
            String host = RoutingSettings.normalise(r.exchange());
            Integer earlier = seen.get(host);
            if (earlier != null && earlier <= r.preference()) {
                continue; // a host listed twice keeps its best preference
            }
            if (earlier != null) {
                byPreference.get(earlier).removeIf(e -> RoutingSettings.normalise(e.exchange()).equals(host));
            }
            seen.put(host, r.preference());
            byPreference.computeIfAbsent(r.preference(), p -> new ArrayList<>()).add(new MxRecord(r.preference(), host));
        }
        List<MxRecord> ordered = new ArrayList<>();
        for (List<MxRecord> equal : byPreference.values()) {
            Collections.shuffle(equal, random);
            ordered.addAll(equal);
        }
        return ordered.size() > settings.maxHosts() ? List.copyOf(ordered.subList(0, settings.maxHosts())) : ordered;
    }

    private Route fromHosts(String domain, List<MxRecord> mx, DnssecStatus mxStatus, boolean implicit) {
        List<RouteHost> hosts = new ArrayList<>();
        for (MxRecord r : mx) {
            hosts.add(resolveHost(r.exchange(), r.preference()));
        }
        Route.Hosts route = new Route.Hosts(hosts, mxStatus, implicit, settings.remotePort(),
                Endpoint.Security.STARTTLS, Optional.empty());
        return usableOrFailure(domain, route);
    }

    /** RFC 5321 5.1: no usable host is an error; temporary when a lookup failed, permanent otherwise. */
    private static Route usableOrFailure(String domain, Route.Hosts route) {
        if (!route.usable().isEmpty()) {
            return route;
        }
        boolean lookupFailed = route.hosts().stream()
                .anyMatch(h -> h.problem().filter(p -> p.contains("lookup failed")).isPresent());
        String problems = String.join("; ", route.hosts().stream()
                .map(h -> h.name() + ": " + h.problem().orElse("no address records")).toList());
        if (lookupFailed) {
            return new Route.TemporaryFailure("4.4.3", "no address for the mail hosts of " + domain + " (" + problems + ")");
        }
        // RFC 3463 X.4.4: unable to route
        return new Route.PermanentFailure("5.4.4", "no usable mail host for " + domain + " (" + problems + ")");
    }

    /** The A/AAAA addresses of one host, in the configured family order. */
    RouteHost resolveHost(String host, int preference) {
        if (IPV4_LITERAL.matcher(host).matches() || host.contains(":") || host.startsWith("[")) {
            // RFC 5321 5.1 and RFC 7505 4.1: an MX names a host; an address there is a configuration error
            return new RouteHost(host, preference, List.of(), Optional.empty(), Optional.empty(),
                    Optional.of("MX target is an IP address, not a host name"));
        }
        List<InetAddress> v6 = List.of();
        List<InetAddress> v4 = List.of();
        Optional<DnssecStatus> v6Status = Optional.empty();
        Optional<DnssecStatus> v4Status = Optional.empty();
        List<String> problems = new ArrayList<>();
        AddressFamilies families = settings.families();
        if (families.ipv6()) {
            Lookup<List<InetAddress>> aaaa = dns.aaaa(host);
            v6Status = Optional.of(aaaa.dnssec());
            v6 = addresses(aaaa, "AAAA", problems);
        }
        if (families.ipv4()) {
            Lookup<List<InetAddress>> a = dns.a(host);
            v4Status = Optional.of(a.dnssec());
            v4 = addresses(a, "A", problems);
        }
        List<InetAddress> all = new ArrayList<>();
        if (families == AddressFamilies.IPV4_FIRST) {
            all.addAll(v4);
            all.addAll(v6);
        } else {
            all.addAll(v6);
            all.addAll(v4);
        }
        return new RouteHost(host, preference, all, v6Status, v4Status,
                problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems)));
    }

    private static List<InetAddress> addresses(Lookup<List<InetAddress>> lookup, String type, List<String> problems) {
        if (lookup instanceof Lookup.Found<List<InetAddress>> found) {
            return found.records();
        }
        if (lookup instanceof Lookup.Failed<List<InetAddress>> failed) {
            problems.add(type + " lookup failed: " + failed.reason());
        }
        return List.of();
    }

    /** RFC 5321 4.1.3 and 5.1: an address literal is delivered to that address, with no DNS at all. */
    private Route literalRoute(String literal) {
        Optional<InetAddress> address = parseLiteral(literal);
        if (address.isEmpty()) {
            return new Route.PermanentFailure("5.1.2", "not a usable address literal: " + literal);
        }
        RouteHost host = new RouteHost(address.get().getHostAddress(), 0, List.of(address.get()),
                Optional.empty(), Optional.empty(), Optional.empty());
        return new Route.Hosts(List.of(host), DnssecStatus.INDETERMINATE, false, settings.remotePort(),
                Endpoint.Security.STARTTLS, Optional.empty());
    }

    private static Optional<InetAddress> parseLiteral(String text) {
        String inner = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            inner = inner.substring(5);
            if (!inner.contains(":") || !inner.matches("[0-9a-fA-F:.]+")) {
                return Optional.empty();
            }
        } else if (!IPV4_LITERAL.matcher(inner).matches()) {
            return Optional.empty();
        }
        try {
            // only digits, dots, colons and hex reach here: no name lookup can happen
            return Optional.of(InetAddress.getByName(inner));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * The route through a smarthost: its addresses (no MX lookup, as for any configured relay host), its
     * port, TLS mode and credentials.
     */
    public Route smarthost(Smarthost smarthost) {
        String host = RoutingSettings.normalise(smarthost.host());
        Optional<InetAddress> literal = parseLiteral(host.startsWith("[") ? host : "[" + host + "]")
                .or(() -> host.contains(":") ? parseLiteral("[IPv6:" + host + "]") : Optional.empty());
        RouteHost resolved = literal
                .map(a -> new RouteHost(host, 0, List.of(a), Optional.<DnssecStatus>empty(), Optional.<DnssecStatus>empty(),
                        Optional.<String>empty()))
                .orElseGet(() -> resolveHost(host, 0));
        Route.Hosts route = new Route.Hosts(List.of(resolved), DnssecStatus.INDETERMINATE, false, smarthost.port(),
                smarthost.security(), smarthost.credentials());
        Route result = usableOrFailure("the smarthost " + host, route);
        // a smarthost without an address is our configuration's fault, not the recipient's: never bounce for it
        return result instanceof Route.PermanentFailure p ? new Route.TemporaryFailure("4.3.5", p.reason()) : result;
    }
}
