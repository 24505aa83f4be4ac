package org.bastionmail.screening;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.bastionmail.net.HandClock;
import org.junit.jupiter.api.Test;

class TokenBucketsTest {
    private final HandClock clock = new HandClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void allowsTheRateAsABurstThenRefillsEvenly() {
        TokenBuckets<String> buckets = new TokenBuckets<>(6, clock);
        for (int i = 0; i < 6; i++) {
            assertThat(buckets.take("a")).as("token %d", i).isTrue();
        }
        assertThat(buckets.take("a")).isFalse();
        assertThat(buckets.secondsToWait("a")).isEqualTo(10);
        assertThat(buckets.take("b")).as("another key has its own bucket").isTrue();
        clock.advance(Duration.ofSeconds(9));
        assertThat(buckets.take("a")).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(buckets.take("a")).isTrue();
        assertThat(buckets.take("a")).isFalse();
        clock.advance(Duration.ofHours(5));
        for (int i = 0; i < 6; i++) {
            assertThat(buckets.take("a")).isTrue();
        }
        assertThat(buckets.take("a")).as("never more than the rate, however long it rested").isFalse();
    }

    @Test
    void aFloodOfDistinctKeysStaysBounded() {
        TokenBuckets<Integer> buckets = new TokenBuckets<>(1, clock);
        for (int i = 0; i < TokenBuckets.HARD_LIMIT + 50_000; i++) {
            buckets.take(i);
            assertThat(buckets.size()).isLessThanOrEqualTo(TokenBuckets.HARD_LIMIT + 1);
        }
    }

    @Test
    void idleBucketsAreForgottenOnceFullAgain() {
        TokenBuckets<Integer> buckets = new TokenBuckets<>(1, clock);
        for (int i = 0; i <= TokenBuckets.PRUNE_ABOVE; i++) {
            buckets.take(i);
        }
        clock.advance(Duration.ofMinutes(2));
        assertThat(buckets.take(-1)).isTrue();
        assertThat(buckets.size()).isEqualTo(1);
        assertThat(buckets.take(-1)).as("the one left is still counted").isFalse();
    }
}
