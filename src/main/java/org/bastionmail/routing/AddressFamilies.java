package org.bastionmail.routing;

/** Which address families to use for each host, and which first ({@code [delivery] address_families}). */
public enum AddressFamilies {
    /** Both, IPv6 first (the RFC 6724 default policy order). */
    IPV6_FIRST,
    /** Both, IPv4 first (a host with poor IPv6 connectivity). */
    IPV4_FIRST,
    IPV4_ONLY,
    IPV6_ONLY;

    boolean ipv6() {
        return this != IPV4_ONLY;
    }

    boolean ipv4() {
        return this != IPV6_ONLY;
    }
}
