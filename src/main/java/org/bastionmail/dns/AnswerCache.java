package org.bastionmail.dns;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded cache of lookup outcomes, each kept for its TTL (RFC 1035 3.2.1) and negative answers for
 * their SOA-derived TTL (RFC 2308 5). The least recently used entry goes first when it is full.
 */
final class AnswerCache {
    /** RFC 2308 5: a cap on positive TTLs keeps a typo'd huge TTL from pinning stale data. */
    static final Duration MAX_TTL = Duration.ofDays(1);
    /** RFC 2308 5: "values of one to three hours have been found to work well" for negative caching. */
    static final Duration MAX_NEGATIVE_TTL = Duration.ofHours(3);

    private record Key(String name, int type) {}

    private record Cached(Lookup<?> lookup, Instant expires) {}

    private final int capacity;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<Key, Cached> entries;

    AnswerCache(int capacity, InstantSource clock) {
        this.capacity = capacity;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Cached> eldest) {
                return size() > AnswerCache.this.capacity;
            }
        };
    }

    /** The cached outcome for {@code name} (lower case, absolute) and type, if still fresh. */
    @SuppressWarnings("unchecked")
    <T> Optional<Lookup<T>> get(String name, int type) {
        lock.lock();
        try {
            Key key = new Key(name, type);
            Cached entry = entries.get(key);
            if (entry == null) {
                return Optional.empty();
            }
            if (!clock.instant().isBefore(entry.expires())) {
                entries.remove(key);
                return Optional.empty();
            }
            return Optional.of((Lookup<T>) entry.lookup());
        } finally {
            lock.unlock();
        }
    }

    /** Keeps {@code lookup} for {@code ttl}, capped; a zero TTL means "do not cache" (RFC 1035 3.2.1). */
    void put(String name, int type, Lookup<?> lookup, Duration ttl) {
        Duration cap = lookup instanceof Lookup.Found<?> ? MAX_TTL : MAX_NEGATIVE_TTL;
        Duration kept = ttl.compareTo(cap) > 0 ? cap : ttl;
        if (kept.isNegative() || kept.isZero()) {
            return;
        }
        lock.lock();
        try {
            entries.put(new Key(name, type), new Cached(lookup, clock.instant().plus(kept)));
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }
}
