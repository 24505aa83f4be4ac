package org.bastionmail.screening;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * One token bucket per key (a client network, a user): {@code perMinute} tokens, refilled evenly over a
 * minute, which is also the burst allowed at once. Memory is bounded: buckets that are full again are
 * forgotten when there are many, and if a flood of distinct keys still fills the table it is cleared, which
 * errs towards letting mail in rather than towards growing without end.
 *
 * @param <K> what is counted
 */
final class TokenBuckets<K> {
    static final int PRUNE_ABOVE = 10_000;
    static final int HARD_LIMIT = 200_000;

    private final int perMinute;
    private final Clock clock;
    private final Map<K, Bucket> buckets = new HashMap<>();
    private int pruneAt = PRUNE_ABOVE;

    TokenBuckets(int perMinute, Clock clock) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("a rate is at least 1 per minute");
        }
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** Takes one token of {@code key}'s bucket; false if it is empty. */
    synchronized boolean take(K key) {
        long now = clock.millis();
        if (buckets.size() > Math.min(pruneAt, HARD_LIMIT) && !buckets.containsKey(key)) {
            buckets.values().removeIf(b -> b.milliTokens(perMinute, now) >= perMinute * 1000L);
            if (buckets.size() > HARD_LIMIT) {
                buckets.clear();
            }
            // the next prune waits until the table doubled: a flood costs amortised constant time per key
            pruneAt = Math.max(PRUNE_ABOVE, buckets.size() * 2);
        }
        return buckets.computeIfAbsent(key, k -> new Bucket(perMinute, now)).take(perMinute, now);
    }

    /** How many keys are tracked, for tests. */
    synchronized int size() {
        return buckets.size();
    }

    /** Seconds until {@code key} has a token again (at least 1), for the refusal text. */
    synchronized long secondsToWait(K key) {
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            return 1;
        }
        long missing = 1000 - bucket.milliTokens(perMinute, clock.millis());
        // perMinute tokens per 60 000 ms: one milli-token per 60/perMinute ms
        return Math.max(1, (missing * 60 / perMinute + 999) / 1000);
    }

    /** Tokens are kept in thousandths so that a low rate still refills smoothly. */
    private static final class Bucket {
        private long milliTokens;
        private long updated;

        Bucket(int perMinute, long now) {
            this.milliTokens = perMinute * 1000L;
            this.updated = now;
        }

        long milliTokens(int perMinute, long now) {
            long elapsed = Math.max(0, now - updated);
            long added = Math.min(elapsed, 60_000L) * perMinute / 60;
            if (added > 0) {
                milliTokens = Math.min(perMinute * 1000L, milliTokens + added);
                updated = now;
            }
            return milliTokens;
        }

        boolean take(int perMinute, long now) {
            if (milliTokens(perMinute, now) < 1000) {
                return false;
            }
            milliTokens -= 1000;
            return true;
        }
    }
}
