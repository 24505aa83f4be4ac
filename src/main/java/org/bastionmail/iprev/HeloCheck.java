package org.bastionmail.iprev;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.Lookup;

/**
 * Checks the name an SMTP client gave in HELO/EHLO: RFC 5321 4.1.1.1 asks for its fully qualified domain
 * name, or an address literal (4.1.3) when it has none. The result is recorded for filters and logs;
 * RFC 5321 4.1.4 forbids refusing a message only because the name does not match the address.
 */
public final class HeloCheck {
    // RFC 5321 4.1.3 IPv4-address-literal: Snum 1*3("." Snum), Snum at most 255, no leading-zero tricks
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
            + "(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private final DnsResolver dns;

    public HeloCheck(DnsResolver dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    /** Checks {@code helo} against {@code client}, the address the connection came from. */
    public HeloResult check(String helo, InetAddress client) {
        Objects.requireNonNull(helo, "helo");
        InetAddress ip = IprevVerifier.normalize(Objects.requireNonNull(client, "client"));
        String shown = HostNames.printable(helo);
        if (helo.startsWith("[") && helo.endsWith("]") && helo.length() > 2) {
            return literal(helo.substring(1, helo.length() - 1), ip, shown);
        }
        if (!HostNames.isFqdn(helo)) {
            return new HeloResult(HeloVerdict.INVALID, shown, "'" + shown + "' is not a fully qualified host name");
        }
        String name = HostNames.stripDot(helo).toLowerCase(Locale.ROOT);
        Lookup<List<InetAddress>> answer = ip instanceof Inet6Address ? dns.aaaa(name) : dns.a(name);
        return switch (answer) {
            case Lookup.Found<List<InetAddress>> f -> f.records().stream().anyMatch(a -> IprevVerifier.normalize(a).equals(ip))
                    ? new HeloResult(HeloVerdict.MATCH, shown, name + " resolves to " + ip.getHostAddress())
                    : new HeloResult(HeloVerdict.MISMATCH, shown, name + " does not resolve to " + ip.getHostAddress());
            case Lookup.NoSuchName<List<InetAddress>> n ->
                    new HeloResult(HeloVerdict.NO_ADDRESS, shown, name + " does not exist");
            case Lookup.NoRecords<List<InetAddress>> n ->
                    new HeloResult(HeloVerdict.NO_ADDRESS, shown, name + " has no address of the client's family");
            case Lookup.Failed<List<InetAddress>> f ->
                    new HeloResult(HeloVerdict.TEMPERROR, shown, "lookup of " + name + " failed: " + HostNames.printable(f.reason()));
        };
    }

    private static HeloResult literal(String body, InetAddress ip, String shown) {
        boolean v6 = body.regionMatches(true, 0, "IPv6:", 0, 5);
        String text = v6 ? body.substring(5) : body;
        boolean wellFormed = v6 ? IPV6.matcher(text).matches() && text.contains(":") : IPV4.matcher(text).matches();
        // InetAddress.ofLiteral never touches DNS
        Optional<InetAddress> given = wellFormed ? parse(text) : Optional.empty();
        if (given.isEmpty()) {
            return new HeloResult(HeloVerdict.INVALID, shown, "'" + shown + "' is not a valid address literal");
        }
        return IprevVerifier.normalize(given.get()).equals(ip)
                ? new HeloResult(HeloVerdict.MATCH, shown, "address literal of the client")
                : new HeloResult(HeloVerdict.MISMATCH, shown, "address literal " + shown + " is not the client "
                        + ip.getHostAddress());
    }

    private static Optional<InetAddress> parse(String literal) {
        try {
            return Optional.of(InetAddress.ofLiteral(literal));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
