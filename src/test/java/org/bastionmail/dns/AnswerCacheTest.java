package org.bastionmail.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.bastionmail.net.HandClock;
import java.time.Instant;

class AnswerCacheTest {
    private final HandClock clock = new HandClock(Instant.now());
    private final Lookup<List<String>> found = new Lookup.Found<>(List.of("x"), DnssecStatus.SECURE);

    @Test
    void leastRecentlyUsedEntryGoesWhenFull() {
        AnswerCache cache = new AnswerCache(2, clock);
        cache.put("a.", 1, found, Duration.ofMinutes(1));
        cache.put("b.", 1, found, Duration.ofMinutes(1));
        cache.get("a.", 1);
        cache.put("c.", 1, found, Duration.ofMinutes(1));
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("a.", 1)).isPresent();
        assertThat(cache.get("b.", 1)).isEmpty();
    }

    @Test
    void zeroTtlIsNotCachedAndHugeTtlsAreCapped() {
        AnswerCache cache = new AnswerCache(10, clock);
        cache.put("zero.", 1, found, Duration.ZERO);
        assertThat(cache.get("zero.", 1)).isEmpty();
        cache.put("huge.", 1, found, Duration.ofDays(365));
        cache.put("neg.", 1, new Lookup.NoSuchName<>(DnssecStatus.SECURE), Duration.ofDays(365));
        clock.advance(AnswerCache.MAX_NEGATIVE_TTL);
        assertThat(cache.get("neg.", 1)).isEmpty();
        assertThat(cache.get("huge.", 1)).isPresent();
        clock.advance(AnswerCache.MAX_TTL);
        assertThat(cache.get("huge.", 1)).isEmpty();
    }
}
