package org.bastionmail.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/** One histogram series: cumulative buckets, sum and count, as the Prometheus text format renders them. */
final class Histogram {
    private final double[] bounds;
    /** Per bucket (not cumulative), the last one for +Inf. */
    private final AtomicLongArray buckets;
    private final DoubleAdder sum = new DoubleAdder();

    Histogram(double[] bounds) {
        this.bounds = bounds;
        this.buckets = new AtomicLongArray(bounds.length + 1);
    }

    void observe(double value) {
        int i = 0;
        while (i < bounds.length && value > bounds[i]) {
            i++;
        }
        buckets.incrementAndGet(i);
        sum.add(value);
    }

    long count() {
        long n = 0;
        for (int i = 0; i < buckets.length(); i++) {
            n += buckets.get(i);
        }
        return n;
    }

    void render(String name, String labels, StringBuilder out) {
        String inner = labels.isEmpty() ? "" : labels.substring(1, labels.length() - 1) + ",";
        long cumulative = 0;
        for (int i = 0; i <= bounds.length; i++) {
            cumulative += buckets.get(i);
            String le = i < bounds.length ? number(bounds[i]) : "+Inf";
            out.append(name).append("_bucket{").append(inner).append("le=\"").append(le).append("\"} ")
                    .append(cumulative).append('\n');
        }
        out.append(name).append("_sum").append(labels).append(' ').append(number(sum.sum())).append('\n');
        out.append(name).append("_count").append(labels).append(' ').append(cumulative).append('\n');
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
