package org.bastionmail.net;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * Logs a kind of event once per burst: the first one at once, then at most one line per interval giving how
 * many were left unlogged, so a flood cannot flood the log too.
 */
public final class BurstLog {
    private final Logger log;
    private final Clock clock;
    private final Duration interval;
    private Instant next = Instant.MIN;
    private long suppressed;

    public BurstLog(Logger log, Clock clock, Duration interval) {
        this.log = log;
        this.clock = clock;
        this.interval = interval;
    }

    /** Logs {@code message} (with its {} argument) unless a line was written less than an interval ago. */
    public synchronized boolean warn(String message, Object argument) {
        Instant now = clock.instant();
        if (now.isBefore(next)) {
            suppressed++;
            return false;
        }
        if (suppressed > 0) {
            log.warn(message + " (and {} more refusals not logged)", argument, suppressed);
        } else {
            log.warn(message, argument);
        }
        suppressed = 0;
        next = now.plus(interval);
        return true;
    }
}
