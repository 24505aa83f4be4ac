package org.bastionmail.filter.rspamd;

import java.net.URI;
import java.time.Duration;

/**
 * How to reach rspamd's normal worker.
 *
 * @param url the worker's base URL, e.g. {@code http://127.0.0.1:11333}; {@code /checkv2} is appended
 * @param timeout the longest one scan (connect, upload, verdict) may take
 * @param maxSize larger messages are not sent (rspamd's own limit is 50 MiB); they pass with an
 *     {@code X-Spam-Status: No, skipped} field, as big mail is rarely spam and scanning it is costly
 */
public record RspamdSettings(URI url, Duration timeout, long maxSize) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_MAX_SIZE = 26_214_400L;

    public RspamdSettings {
        check(url);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (maxSize <= 0) {
            throw new IllegalArgumentException("maxSize must be positive: " + maxSize);
        }
    }

    /** IllegalArgumentException unless {@code url} is an http(s) URL with a host and nothing after the path. */
    public static void check(URI url) {
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                || url.getHost() == null || url.getRawQuery() != null || url.getRawFragment() != null
                || url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("rspamd's URL must be http://host:port (or https), without query: " + url);
        }
    }

    URI checkUri() {
        String base = url.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/checkv2");
    }
}
