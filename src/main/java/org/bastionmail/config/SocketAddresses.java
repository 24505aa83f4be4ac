package org.bastionmail.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Parses listener addresses: {@code ip:port}, {@code [ipv6]:port}. Host names are refused: a listener binds an address. */
public final class SocketAddresses {
    private SocketAddresses() {}

    public static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("\"" + text + "\" must be ip:port, e.g. 127.0.0.1:2525 or [::1]:2525");
        }
        String host = text.substring(0, colon);
        String portText = text.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("\"" + text + "\": write an IPv6 address in brackets, e.g. [::1]:2525");
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\": port \"" + portText + "\" is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("\"" + text + "\": port must be between 1 and 65535");
        }
        if (!isIpLiteral(host)) {
            throw new IllegalArgumentException("\"" + text + "\": \"" + host + "\" is not an IP address");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("\"" + text + "\": \"" + host + "\" is not an IP address");
        }
    }

    /** Only literals, so that {@link InetAddress#getByName} never reaches the network. */
    private static boolean isIpLiteral(String host) {
        if (host.contains(":")) {
            return host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit) || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
