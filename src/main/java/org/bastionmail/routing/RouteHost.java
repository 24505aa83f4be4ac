package org.bastionmail.routing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.bastionmail.dns.DnssecStatus;
import org.bastionmail.smtp.client.Endpoint;

/**
 * One host of a route and its addresses, in the order to try them.
 *
 * @param name the MX exchange (or the domain for an implicit MX, or the smarthost), without trailing dot
 * @param ipv6Dnssec the DNSSEC status of the AAAA answer; empty when AAAA was not asked (or for a literal)
 * @param ipv4Dnssec the DNSSEC status of the A answer; empty when A was not asked (or for a literal)
 * @param problem why some or all addresses are missing: a failed lookup, an unusable MX target
 */
public record RouteHost(String name, int preference, List<InetAddress> addresses,
        Optional<DnssecStatus> ipv6Dnssec, Optional<DnssecStatus> ipv4Dnssec, Optional<String> problem) {

    public RouteHost {
        Objects.requireNonNull(name, "name");
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(ipv6Dnssec, "ipv6Dnssec");
        Objects.requireNonNull(ipv4Dnssec, "ipv4Dnssec");
        Objects.requireNonNull(problem, "problem");
    }

    /**
     * Whether every address lookup made for this host was DNSSEC-secure: RFC 7672 2.2.2 looks for TLSA
     * records only then.
     */
    public boolean addressesSecure() {
        List<DnssecStatus> asked = Stream.of(ipv6Dnssec, ipv4Dnssec).flatMap(Optional::stream).toList();
        return !asked.isEmpty() && asked.stream().allMatch(s -> s == DnssecStatus.SECURE);
    }

    /** One endpoint per address, for the SMTP client. */
    public List<Endpoint> endpoints(int port, Endpoint.Security security) {
        return addresses.stream().map(a -> new Endpoint(new InetSocketAddress(a, port), name, security)).toList();
    }
}
