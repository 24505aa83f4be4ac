package org.bastionmail.smtp.client;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One server to connect to.
 *
 * @param address the IP address and port (25 for MX hosts, RFC 5321 4.5.4.2; a smarthost's configured port)
 * @param hostname the server's host name: sent as SNI and the name certificate checks expect
 * @param security whether TLS starts at once (RFC 8314 3.3, port 465) or through STARTTLS
 */
public record Endpoint(InetSocketAddress address, String hostname, Security security) {

    public Endpoint {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(security, "security");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("resolve the address first: " + address);
        }
    }

    public enum Security { STARTTLS, IMPLICIT_TLS }
}
