package org.bastionmail.routing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bastionmail.dns.DnssecStatus;
import org.bastionmail.smtp.client.Credentials;
import org.bastionmail.smtp.client.Endpoint;

/** Where mail for one domain goes (RFC 5321 5.1), or why it can go nowhere for now or ever. */
public sealed interface Route {

    /**
     * The hosts to try, in order (RFC 5321 5.1: by preference, random among equals); each with its
     * addresses. Every host is tried before the delivery counts as a temporary failure.
     *
     * @param mxDnssec the DNSSEC status of the MX answer (for an implicit MX: of the answer saying there
     *     is no MX); DANE (RFC 7672 2.2.1) only applies when it is secure
     * @param implicitMx the domain has no MX: its own address records are used (RFC 5321 5.1)
     * @param port 25 for MX routes unless configured otherwise; the smarthost's port
     * @param credentials AUTH credentials for a smarthost
     */
    record Hosts(List<RouteHost> hosts, DnssecStatus mxDnssec, boolean implicitMx, int port,
            Endpoint.Security security, Optional<Credentials> credentials) implements Route {
        public Hosts {
            hosts = List.copyOf(hosts);
            Objects.requireNonNull(mxDnssec, "mxDnssec");
            Objects.requireNonNull(security, "security");
            Objects.requireNonNull(credentials, "credentials");
        }

        /** The hosts that have at least one address. */
        public List<RouteHost> usable() {
            return hosts.stream().filter(h -> !h.addresses().isEmpty()).toList();
        }
    }

    /** Try again later: DNS did not answer (RFC 5321 4.5.4.1: retry). {@code status} is an RFC 3463 code. */
    record TemporaryFailure(String status, String reason) implements Route {}

    /** The domain cannot receive mail: bounce (null MX: 5.1.10, RFC 7505 3; no such domain: 5.1.2). */
    record PermanentFailure(String status, String reason) implements Route {}
}
