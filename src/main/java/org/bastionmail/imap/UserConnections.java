package org.bastionmail.imap;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many logged-in IMAP connections each account holds. One instance is shared by every IMAP listener
 * of a server, so that imap and imaps count together.
 */
public final class UserConnections {
    private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

    /** A connection slot; closing it gives the slot back, once. */
    final class Slot implements AutoCloseable {
        private final String account;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Slot(String account) {
            this.account = account;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                counts.computeIfPresent(account, (a, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    /** A slot for {@code account}, or empty when it already holds {@code max} connections. */
    Optional<Slot> take(String account, int max) {
        boolean[] taken = {false};
        counts.compute(account, (a, n) -> {
            int current = n == null ? 0 : n;
            if (current >= max) {
                return n;
            }
            taken[0] = true;
            return current + 1;
        });
        return taken[0] ? Optional.of(new Slot(account)) : Optional.empty();
    }

    /** The connections {@code account} holds now. */
    int count(String account) {
        return counts.getOrDefault(account, 0);
    }
}
