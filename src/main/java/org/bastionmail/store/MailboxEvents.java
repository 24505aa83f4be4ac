package org.bastionmail.store;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Tells whoever watches a mailbox (IMAP sessions that selected it, IDLE) that it changed: a message
 * arrived, was expunged, or its flags changed. The store calls {@link #changed} after each commit;
 * watchers then ask the store what changed ({@link MailboxStore#changesSince}), so an event carries no
 * data and a lost or repeated one does no harm.
 */
public final class MailboxEvents {
    private final Map<Long, Set<Runnable>> watchers = new ConcurrentHashMap<>();

    /** A registration; closing it stops the calls. */
    public interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /** Calls {@code onChange} (quickly: it runs on the committing thread) after each change of mailbox {@code mailboxId}. */
    public Watch watch(long mailboxId, Runnable onChange) {
        watchers.computeIfAbsent(mailboxId, id -> new CopyOnWriteArraySet<>()).add(onChange);
        return () -> watchers.computeIfPresent(mailboxId, (id, set) -> {
            set.remove(onChange);
            return set.isEmpty() ? null : set;
        });
    }

    /** Announces that mailbox {@code mailboxId} changed. */
    public void changed(long mailboxId) {
        Set<Runnable> set = watchers.get(mailboxId);
        if (set != null) {
            set.forEach(Runnable::run);
        }
    }
}
