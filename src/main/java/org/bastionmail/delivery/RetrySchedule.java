package org.bastionmail.delivery;

import java.time.Duration;
import java.util.List;

/**
 * How long to wait before each retry of a local delivery that failed temporarily (a full mailbox,
 * a storage error); after the last one the recipient fails for good.
 *
 * <p>RFC 5321 4.5.4.1 suggests giving up after 4-5 days; the default reaches that with retries that
 * start fast (a user who empties a mailbox gets their mail soon) and slow down.
 */
public record RetrySchedule(List<Duration> delays) {
    public RetrySchedule {
        delays = List.copyOf(delays);
        for (Duration delay : delays) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("negative retry delay");
            }
        }
    }

    public static RetrySchedule defaults() {
        return new RetrySchedule(List.of(Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30),
                Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4), Duration.ofHours(8),
                Duration.ofHours(16), Duration.ofHours(24), Duration.ofHours(24), Duration.ofHours(24),
                Duration.ofHours(24)));
    }

    /** How many retries follow the first attempt. */
    public int retries() {
        return delays.size();
    }

    /** The wait after the {@code attempts}-th failed attempt (1-based). */
    Duration delayAfter(int attempts) {
        return delays.get(attempts - 1);
    }
}
