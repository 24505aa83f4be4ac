package org.bastionmail.net;

import java.net.InetSocketAddress;

/**
 * A service's {@code host:port} or {@code [ipv6]:port}, as operators write where a filter daemon listens
 * (clamd, a milter). Nothing is looked up here.
 */
public record HostPort(String host, int port) {
    public HostPort {
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("a host and a port from 1 to 65535: " + host + ":" + port);
        }
    }

    /**
     * Parses {@code text}; an IllegalArgumentException names {@code what} and the text.
     *
     * @param what what the address is for ("clamd address"), for the error message
     */
    public static HostPort parse(String text, String what) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException(what + " is not host:port or [ipv6]:port: " + text);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535 || host.isEmpty()) {
            throw new IllegalArgumentException(what + ": bad host or port (1 to 65535): " + text);
        }
        return new HostPort(host, port);
    }

    /** The address, to be resolved when connecting. */
    public InetSocketAddress unresolved() {
        return InetSocketAddress.createUnresolved(host, port);
    }
}
