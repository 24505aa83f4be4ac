package org.bastionmail.routing;

import java.util.Objects;
import java.util.Optional;
import org.bastionmail.smtp.client.Credentials;
import org.bastionmail.smtp.client.Endpoint;

/**
 * A relay all outbound mail goes through instead of MX hosts ({@code [delivery.smarthost]}).
 *
 * @param host a host name, or an IP address (optionally in brackets)
 * @param port 587 with STARTTLS or 465 with implicit TLS (RFC 8314 3.3) are the usual values
 * @param credentials for AUTH; sent only over TLS
 */
public record Smarthost(String host, int port, Endpoint.Security security, Optional<Credentials> credentials) {

    public Smarthost {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(credentials, "credentials");
        if (host.isBlank() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("bad smarthost " + host + ":" + port);
        }
    }
}
