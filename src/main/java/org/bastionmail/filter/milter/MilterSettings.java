package org.bastionmail.filter.milter;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a milter listens and how long it may take.
 *
 * @param address {@code inet:host:port} ({@code inet:[::1]:port} for IPv6) or {@code unix:/path}, as Postfix writes it
 * @param timeout the longest one message's whole conversation may take, connect and SMFIR_PROGRESS included
 */
public record MilterSettings(String address, Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public MilterSettings {
        socketAddress(address);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    /** The socket address an address string names; IllegalArgumentException if it names none. */
    public static SocketAddress socketAddress(String address) {
        if (address.startsWith("unix:")) {
            String path = address.substring("unix:".length());
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("a milter's Unix socket needs an absolute path: " + address);
            }
            return UnixDomainSocketAddress.of(Path.of(path));
        }
        if (!address.startsWith("inet:")) {
            throw new IllegalArgumentException("a milter address is inet:host:port or unix:/path: " + address);
        }
        return org.bastionmail.net.HostPort.parse(address.substring("inet:".length()), "a milter address").unresolved();
    }
}
