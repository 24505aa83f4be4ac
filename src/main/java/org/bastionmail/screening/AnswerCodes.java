package org.bastionmail.screening;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Which A records of a DNS list count as "listed" (RFC 5782 2.1): addresses in 127.0.0.0/8, by default all of
 * them, or the ranges an operator names ({@code 127.0.0.2-127.0.0.11}) to use only some of a list's meanings.
 *
 * <p>Whatever is configured, 127.255.255.0/24 never counts: list operators answer that to say the query
 * itself was refused (a public resolver, a rate limit, an unregistered user), not that the client is listed.
 * Nor does anything outside 127.0.0.0/8: a resolver that rewrites NXDOMAIN into an advertising server's
 * address would otherwise list the whole Internet (RFC 5782 2.1 keeps list answers in 127/8).
 */
public final class AnswerCodes {
    private static final int LOOPBACK_NET = 127 << 24;
    private static final int REFUSED_NET = 0x7fffff00;
    private static final int MAX_RANGES = 256;

    private record Range(long first, long last) {}

    private final List<Range> ranges;

    private AnswerCodes(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** Any answer in 127.0.0.0/8 (but 127.255.255.0/24). */
    public static AnswerCodes any() {
        return new AnswerCodes(List.of());
    }

    /**
     * Parses the configured answers: each an IPv4 address or a range {@code first-last}, in 127.0.0.0/8.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static AnswerCodes parse(List<String> texts) {
        if (texts.size() > MAX_RANGES) {
            throw new IllegalArgumentException("more than " + MAX_RANGES + " answer ranges");
        }
        List<Range> ranges = new ArrayList<>();
        for (String text : texts) {
            int dash = text.indexOf('-');
            long first = address(dash < 0 ? text : text.substring(0, dash));
            long last = dash < 0 ? first : address(text.substring(dash + 1));
            if (last < first) {
                throw new IllegalArgumentException("\"" + text + "\": the range ends before it starts");
            }
            ranges.add(new Range(first, last));
        }
        return new AnswerCodes(ranges);
    }

    /** A dotted quad, four decimal numbers 0-255 (no DNS lookup, no octal or short forms). */
    private static long address(String text) {
        String[] parts = text.strip().split("\\.", -1);
        long value = 0;
        if (parts.length != 4) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 address");
        }
        for (String part : parts) {
            if (!part.matches("[0-9]{1,3}") || Integer.parseInt(part) > 255) {
                throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 address");
            }
            value = (value << 8) | Integer.parseInt(part);
        }
        if ((value >>> 24) != 127) {
            throw new IllegalArgumentException("\"" + text + "\" is outside 127.0.0.0/8, where DNS lists answer (RFC 5782 2.1)");
        }
        return value;
    }

    /** Whether {@code answer} says "listed". */
    public boolean listed(InetAddress answer) {
        if (!(answer instanceof Inet4Address)) {
            return false;
        }
        int value = toInt(answer);
        if ((value & 0xff000000) != LOOPBACK_NET || (value & 0xffffff00) == REFUSED_NET) {
            return false;
        }
        long unsigned = value & 0xffffffffL;
        return ranges.isEmpty() || ranges.stream().anyMatch(r -> unsigned >= r.first() && unsigned <= r.last());
    }

    /** Whether {@code answer} is the list's "your query was refused" code (127.255.255.x). */
    static boolean refusal(InetAddress answer) {
        return answer instanceof Inet4Address && (toInt(answer) & 0xffffff00) == REFUSED_NET;
    }

    private static int toInt(InetAddress address) {
        byte[] b = address.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }
}
