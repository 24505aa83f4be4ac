package org.bastionmail.metrics;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Named counters and gauges for the admin endpoint, rendered in the Prometheus text exposition format
 * (version 0.0.4). One instance per server, owned by MailServer and handed down; no global state.
 * Label values come from a small fixed set chosen by the code (listener names, protocols), never from
 * peers, so the number of series stays bounded.
 */
public final class Metrics {
    private record Family(String help, String type, Map<String, AtomicLong> counters, Map<String, LongSupplier> gauges,
            Map<String, Histogram> histograms, double[] bounds) {}

    private static final int MAX_SERIES_PER_FAMILY = 64;

    private final Map<String, Family> families = new ConcurrentSkipListMap<>();

    /** Declares a counter family; counting into an undeclared name fails loudly. */
    public void counter(String name, String help) {
        declare(name, help, "counter");
    }

    /** A gauge whose value is read at scrape time (the queue size, the active bans). */
    public void gauge(String name, String help, LongSupplier value) {
        declare(name, help, "gauge").gauges().put("", value);
    }

    /**
     * Declares a histogram with these upper bucket bounds (ascending; {@code +Inf} is added), rendered as
     * {@code _bucket}, {@code _sum} and {@code _count} series.
     */
    public void histogram(String name, String help, double... bounds) {
        for (int i = 1; i < bounds.length; i++) {
            if (!(bounds[i] > bounds[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must ascend");
            }
        }
        declare(name, help, "histogram", bounds);
    }

    /** Records one observation of histogram {@code name}, labels as for {@link #increment}. */
    public void observe(String name, double value, String... labels) {
        Family family = Objects.requireNonNull(families.get(name), name);
        String key = labels(labels);
        Map<String, Histogram> histograms = family.histograms();
        Histogram histogram = histograms.get(key);
        if (histogram == null) {
            if (histograms.size() >= MAX_SERIES_PER_FAMILY) {
                key = labels("overflow", "true");
            }
            histogram = histograms.computeIfAbsent(key, k -> new Histogram(family.bounds()));
        }
        histogram.observe(value);
    }

    /** The number of observations of one histogram series, 0 if none. */
    public long count(String name, String... labels) {
        Family family = Objects.requireNonNull(families.get(name), name);
        Histogram histogram = family.histograms().get(labels(labels));
        return histogram == null ? 0 : histogram.count();
    }

    /** Adds one to {@code name} with labels given as alternating name, value pairs. */
    public void increment(String name, String... labels) {
        Family family = Objects.requireNonNull(families.get(name), name);
        String key = labels(labels);
        Map<String, AtomicLong> counters = family.counters();
        AtomicLong counter = counters.get(key);
        if (counter == null) {
            if (counters.size() >= MAX_SERIES_PER_FAMILY) {
                key = labels("overflow", "true");
            }
            counter = counters.computeIfAbsent(key, k -> new AtomicLong());
        }
        counter.incrementAndGet();
    }

    /** The current value of one counter series, 0 if never counted. */
    public long value(String name, String... labels) {
        Family family = Objects.requireNonNull(families.get(name), name);
        AtomicLong counter = family.counters().get(labels(labels));
        return counter == null ? 0 : counter.get();
    }

    /** Every family with its # HELP and # TYPE lines, series sorted for a stable output. */
    public String render() {
        StringBuilder out = new StringBuilder();
        families.forEach((name, family) -> {
            out.append("# HELP ").append(name).append(' ').append(escapeHelp(family.help())).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(family.type()).append('\n');
            new TreeMap<>(family.counters()).forEach((labels, value) ->
                    out.append(name).append(labels).append(' ').append(value.get()).append('\n'));
            family.gauges().forEach((labels, value) ->
                    out.append(name).append(labels).append(' ').append(value.getAsLong()).append('\n'));
            new TreeMap<>(family.histograms()).forEach((labels, histogram) -> histogram.render(name, labels, out));
        });
        return out.toString();
    }

    private Family declare(String name, String help, String type) {
        return declare(name, help, type, new double[0]);
    }

    private Family declare(String name, String help, String type, double[] bounds) {
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException("bad metric name " + name);
        }
        return families.computeIfAbsent(name, n -> new Family(help, type, new ConcurrentHashMap<>(), new ConcurrentHashMap<>(),
                new ConcurrentHashMap<>(), bounds.clone()));
    }

    static String labels(String... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name, value pairs");
        }
        if (pairs.length == 0) {
            return "";
        }
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            if (!pairs[i].matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                throw new IllegalArgumentException("bad label name " + pairs[i]);
            }
            out.append(i == 0 ? "" : ",").append(pairs[i]).append("=\"").append(escapeValue(pairs[i + 1])).append('"');
        }
        return out.append('}').toString();
    }

    // Exposition format: label values escape backslash, double quote and line feed; HELP text backslash and line feed.
    static String escapeValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
