package org.bastionmail.net;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The unit a client is counted and banned by: an IPv4 address, or the /64 an IPv6 address is in, since one
 * IPv6 host usually holds a whole /64 (RFC 4291 2.5.1) and would otherwise escape every per-address limit.
 * IPv4-mapped IPv6 addresses count as the IPv4 address they carry.
 *
 * @param text the canonical form: {@code 192.0.2.7} or {@code 2001:db8:1:2::/64}
 */
public record ClientNetwork(String text) {

    public static ClientNetwork of(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return new ClientNetwork(address.getHostAddress());
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            text.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
        }
        return new ClientNetwork(text.append(":/64").toString());
    }

    /**
     * Parses what an operator types: an IPv4 address, an IPv6 address (taken to its /64) or an IPv6 /64.
     *
     * @throws IllegalArgumentException for anything else; never a DNS lookup
     */
    public static ClientNetwork parse(String text) {
        String address = text.strip();
        if (address.endsWith("/64")) {
            address = address.substring(0, address.length() - 3);
            if (!address.contains(":")) {
                throw new IllegalArgumentException("\"" + text + "\": /64 is for IPv6 networks");
            }
        }
        return of(Cidr.literal(address).orElseThrow(
                () -> new IllegalArgumentException("\"" + text + "\" is not an IP address")));
    }

    /** The network's first address (the client's own, for IPv4). */
    public InetAddress address() {
        String literal = text.endsWith("/64") ? text.substring(0, text.length() - 3) : text;
        return Cidr.literal(literal).orElseThrow();
    }

    @Override
    public String toString() {
        return text;
    }
}
