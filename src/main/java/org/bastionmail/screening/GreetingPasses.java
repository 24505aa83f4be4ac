package org.bastionmail.screening;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bastionmail.net.ClientNetwork;

/**
 * Clients that recently waited for the greeting, so that they are not made to wait again for a while (as
 * postscreen's pregreet cache). In memory only, the least recently seen forgotten first beyond a bound.
 */
final class GreetingPasses {
    static final Duration REMEMBER = Duration.ofDays(1);
    static final int MAX = 100_000;

    private final Clock clock;
    private final Map<ClientNetwork, Instant> passed = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ClientNetwork, Instant> eldest) {
            return size() > MAX;
        }
    };

    GreetingPasses(Clock clock) {
        this.clock = clock;
    }

    synchronized boolean recentlyPassed(ClientNetwork client) {
        Instant until = passed.get(client);
        if (until == null) {
            return false;
        }
        if (!clock.instant().isBefore(until)) {
            passed.remove(client);
            return false;
        }
        return true;
    }

    synchronized void passed(ClientNetwork client) {
        passed.put(client, clock.instant().plus(REMEMBER));
    }

    /** A client that talked first is made to wait again next time. */
    synchronized void failed(ClientNetwork client) {
        passed.remove(client);
    }
}
