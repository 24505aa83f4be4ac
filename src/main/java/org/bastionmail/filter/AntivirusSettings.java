package org.bastionmail.filter;

import java.time.Duration;

/**
 * How to reach clamd and what to do when it gives no verdict.
 *
 * @param address {@code host:port} (TCP, e.g. {@code 127.0.0.1:3310}) or an absolute Unix socket path
 * @param timeout the longest a whole scan (connect, send, verdict) may take
 * @param maxBytes the largest message sent to clamd; must not exceed clamd's {@code StreamMaxLength}, since
 *     clamd answers a longer stream with an error; a larger message is a failed scan, never a clean one
 * @param failOpen on a failed scan, accept the message with an {@code X-Bastion-Virus-Scan: failed} field
 *     instead of answering 451 4.3.0
 */
public record AntivirusSettings(String address, Duration timeout, long maxBytes, boolean failOpen) {
    /** clamd's own default port (clamd.conf TCPSocket). */
    public static final String DEFAULT_ADDRESS = "127.0.0.1:3310";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** clamd's StreamMaxLength defaults to 100M; mail rarely comes near 25 MiB. */
    public static final long DEFAULT_MAX_BYTES = 25L * 1024 * 1024;

    public AntivirusSettings {
        if (address.isBlank()) {
            throw new IllegalArgumentException("clamd address is empty");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
    }

    /** Fail-closed with the defaults, clamd on its default TCP port. */
    public static AntivirusSettings defaults() {
        return new AntivirusSettings(DEFAULT_ADDRESS, DEFAULT_TIMEOUT, DEFAULT_MAX_BYTES, false);
    }
}
