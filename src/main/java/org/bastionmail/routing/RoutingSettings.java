package org.bastionmail.routing;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How MX routes are built.
 *
 * @param remotePort the port of MX hosts ({@code [delivery] remote_port}; 25, RFC 5321 4.5.4.2, except in tests)
 * @param localHostnames this server's own names: an MX list naming one of them is cut below it (RFC 5321 5.1)
 * @param maxHosts MX hosts looked at per domain; more are ignored, bounding the DNS work one domain causes
 */
public record RoutingSettings(int remotePort, AddressFamilies families, Set<String> localHostnames, int maxHosts) {

    public RoutingSettings {
        Objects.requireNonNull(families, "families");
        localHostnames = localHostnames.stream().map(RoutingSettings::normalise).collect(Collectors.toUnmodifiableSet());
        if (remotePort < 1 || remotePort > 65535 || maxHosts < 1) {
            throw new IllegalArgumentException("bad routing settings: port " + remotePort + ", max hosts " + maxHosts);
        }
    }

    public static RoutingSettings defaults(Set<String> localHostnames) {
        return new RoutingSettings(25, AddressFamilies.IPV6_FIRST, localHostnames, 10);
    }

    public RoutingSettings withRemotePort(int port) {
        return new RoutingSettings(port, families, localHostnames, maxHosts);
    }

    public RoutingSettings withFamilies(AddressFamilies newFamilies) {
        return new RoutingSettings(remotePort, newFamilies, localHostnames, maxHosts);
    }

    static String normalise(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
