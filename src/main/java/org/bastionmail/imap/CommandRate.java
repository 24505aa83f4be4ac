package org.bastionmail.imap;

/**
 * A token bucket for the commands of one connection: {@code burst} commands at once, then
 * {@code perSecond} on average. Time comes in as milliseconds so tests can hold it still.
 */
final class CommandRate {
    private final int burst;
    private final double perMilli;
    private double tokens;
    private long last;

    CommandRate(int burst, int perSecond, long nowMillis) {
        this.burst = burst;
        this.perMilli = perSecond / 1000.0;
        this.tokens = burst;
        this.last = nowMillis;
    }

    /** Whether a command may run now; takes a token if so. */
    boolean take(long nowMillis) {
        if (nowMillis > last) {
            tokens = Math.min(burst, tokens + (nowMillis - last) * perMilli);
            last = nowMillis;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
