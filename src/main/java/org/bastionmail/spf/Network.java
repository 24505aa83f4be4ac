package org.bastionmail.spf;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An address range of an ip4/ip6 mechanism or a CIDR length applied to a looked-up address (RFC 7208 5.6).
 * An ip6 network keeps its 16 bytes even for an IPv4-mapped literal, so that it never matches an IPv4 client
 * (RFC 7208 5: IPv4-mapped clients are IPv4).
 */
final class Network {
    private final byte[] address;
    private final int prefix;

    Network(byte[] address, int prefix) {
        if (address.length != 4 && address.length != 16 || prefix < 0 || prefix > address.length * 8) {
            throw new IllegalArgumentException("bad network");
        }
        this.address = address.clone();
        this.prefix = prefix;
    }

    /** Whether {@code ip} (normalized: IPv4-mapped given as IPv4) is in this network. */
    boolean contains(InetAddress ip) {
        byte[] other = ip.getAddress();
        if (other.length != address.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (other[i] != address[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (other[full] & mask) == (address[full] & mask);
    }

    /** RFC 7208 5.6: ip4-network is a dotted quad of qnum (no leading zeros, no short forms). */
    static byte[] parseIp4(String text) throws SpfSyntaxException {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new SpfSyntaxException("not an IPv4 address: " + MacroString.abbreviate(text));
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            out[i] = (byte) parseNumber(parts[i], 255, text);
        }
        return out;
    }

    /** RFC 7208 5.6: ip6-network is an IPv6 address in RFC 4291 2.2 text form. */
    static byte[] parseIp6(String text) throws SpfSyntaxException {
        // Only hex digits, colons and dots: keeps brackets, scope ids and host names away from the parser.
        if (text.isEmpty() || text.length() > 45 || !text.chars().allMatch(c ->
                (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.')
                || text.indexOf(':') < 0) {
            throw new SpfSyntaxException("not an IPv6 address: " + MacroString.abbreviate(text));
        }
        InetAddress parsed;
        try {
            parsed = Inet6Address.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            throw new SpfSyntaxException("not an IPv6 address: " + text);
        }
        byte[] bytes = parsed.getAddress();
        if (bytes.length == 4) { // ofLiteral gives IPv4-mapped literals as IPv4; keep them IPv6 here
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            return mapped;
        }
        return bytes;
    }

    /** A CIDR length (RFC 7208 5.6): decimal, no leading zero, at most {@code max}. */
    static int parseNumber(String digits, int max, String context) throws SpfSyntaxException {
        if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
                || (digits.length() > 1 && digits.charAt(0) == '0')) {
            throw new SpfSyntaxException("bad number '" + MacroString.abbreviate(digits) + "' in "
                    + MacroString.abbreviate(context));
        }
        int value = Integer.parseInt(digits);
        if (value > max) {
            throw new SpfSyntaxException("number " + value + " above " + max + " in " + MacroString.abbreviate(context));
        }
        return value;
    }

    /** The client address as SPF sees it: an IPv4-mapped IPv6 address becomes IPv4 (RFC 7208 5). */
    static InetAddress normalize(InetAddress ip) {
        byte[] b = ip.getAddress();
        if (b.length == 16) {
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                return fromBytes(Arrays.copyOfRange(b, 12, 16));
            }
        }
        return fromBytes(b);
    }

    static InetAddress fromBytes(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes); // no DNS: the address is given
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** %{i} (RFC 7208 7.3): dotted quad, or 32 dot-separated nibbles for IPv6. */
    static String dotted(InetAddress ip) {
        byte[] b = ip.getAddress();
        StringBuilder out = new StringBuilder();
        if (ip instanceof Inet4Address) {
            for (int i = 0; i < 4; i++) {
                out.append(i == 0 ? "" : ".").append(b[i] & 0xff);
            }
            return out.toString();
        }
        // Upper-case nibbles, as the published SPF test suite expects; DNS names ignore case anyway.
        for (int i = 0; i < 16; i++) {
            out.append(i == 0 ? "" : ".").append(hex((b[i] >> 4) & 0xf)).append('.').append(hex(b[i] & 0xf));
        }
        return out.toString();
    }

    private static char hex(int nibble) {
        return "0123456789ABCDEF".charAt(nibble);
    }

    /** %{c} (RFC 7208 7.3): the readable form, RFC 5952 for IPv6 (lower case, longest zero run compressed). */
    static String readable(InetAddress ip) {
        byte[] b = ip.getAddress();
        if (b.length == 4) {
            return dotted(ip);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // RFC 5952 4.2.2: a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
