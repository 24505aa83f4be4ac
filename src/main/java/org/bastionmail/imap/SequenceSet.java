package org.bastionmail.imap;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 9051 9 sequence-set: numbers and ranges, where {@code *} is the largest number in use. Ranges are
 * kept as written and resolved against a mailbox when used, never expanded into lists up front.
 */
record SequenceSet(List<Range> ranges) {
    static final long STAR = -1;
    private static final int MAX_RANGES = 10_000;

    /** {@code low:high} as written; either may be {@link #STAR}. */
    record Range(long from, long to) {}

    SequenceSet {
        ranges = List.copyOf(ranges);
    }

    static SequenceSet parse(String text) throws ImapArgs.Syntax {
        if (text.isEmpty()) {
            throw new ImapArgs.Syntax("Expected a sequence set");
        }
        String[] parts = text.split(",", -1);
        if (parts.length > MAX_RANGES) {
            throw new ImapArgs.Syntax("Sequence set too long");
        }
        List<Range> ranges = new ArrayList<>();
        for (String part : parts) {
            String[] ends = part.split(":", -1);
            if (ends.length > 2) {
                throw new ImapArgs.Syntax("Invalid sequence set");
            }
            long from = value(ends[0]);
            long to = ends.length == 2 ? value(ends[1]) : from;
            ranges.add(new Range(from, to));
        }
        return new SequenceSet(ranges);
    }

    private static long value(String text) throws ImapArgs.Syntax {
        if (text.equals("*")) {
            return STAR;
        }
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ImapArgs.Syntax("Invalid sequence set");
        }
        long n = Long.parseLong(text);
        if (n == 0 || n > 0xFFFF_FFFFL) {
            throw new ImapArgs.Syntax("Invalid number in sequence set");
        }
        return n;
    }

    /** Whether {@code n} is in the set, with {@code *} standing for {@code max}. */
    boolean contains(long n, long max) {
        for (Range range : ranges) {
            long a = range.from == STAR ? max : range.from;
            long b = range.to == STAR ? max : range.to;
            if (n >= Math.min(a, b) && n <= Math.max(a, b)) {
                return true;
            }
        }
        return false;
    }

    /** The printed form, ranges merged, for a sorted list of numbers (COPYUID, VANISHED, ESEARCH). */
    static String format(List<Long> sorted) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
                j++;
            }
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(sorted.get(i));
            if (j > i) {
                out.append(':').append(sorted.get(j));
            }
            i = j + 1;
        }
        return out.toString();
    }
}
