package org.bastionmail.imap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bastionmail.store.Changes;
import org.bastionmail.store.Mailbox;
import org.bastionmail.store.MailboxEvents;
import org.bastionmail.store.MailboxStore;
import org.bastionmail.store.StoredMessage;

/**
 * The session's view of its selected mailbox (RFC 9051 5.2): message sequence numbers map to UIDs as the
 * client last heard. Changes made elsewhere (deliveries, other sessions) are learnt from the store's
 * events and announced with EXISTS, EXPUNGE (or VANISHED) and FETCH when the protocol allows.
 */
final class SelectedMailbox implements AutoCloseable {
    final String account;
    final String name;
    final long id;
    final long uidValidity;
    final boolean readOnly;
    private final List<Long> uids = new ArrayList<>();
    private final Map<Long, StoredMessage> byUid = new HashMap<>();
    private final AtomicBoolean changed = new AtomicBoolean();
    private final MailboxEvents.Watch watch;
    private long highestModSeq;

    SelectedMailbox(MailboxStore store, Mailbox mailbox, boolean readOnly) throws IOException {
        this.account = mailbox.account();
        this.name = mailbox.name();
        this.id = mailbox.id();
        this.uidValidity = mailbox.uidValidity();
        this.readOnly = readOnly;
        // Watch first, then read: a change in between is then seen twice, never missed.
        this.watch = store.events().watch(id, () -> changed.set(true));
        this.highestModSeq = mailbox.highestModSeq();
        for (StoredMessage m : store.messages(account, name)) {
            uids.add(m.uid());
            byUid.put(m.uid(), m);
            highestModSeq = Math.max(highestModSeq, m.modSeq());
        }
    }

    int size() {
        return uids.size();
    }

    long highestModSeq() {
        return highestModSeq;
    }

    long uid(int seq) {
        return uids.get(seq - 1);
    }

    StoredMessage message(int seq) {
        return byUid.get(uids.get(seq - 1));
    }

    /** The sequence number of a UID, or 0. */
    int seqOf(long uid) {
        int i = java.util.Collections.binarySearch(uids, uid);
        return i < 0 ? 0 : i + 1;
    }

    List<Long> uids() {
        return List.copyOf(uids);
    }

    long maxUid() {
        return uids.isEmpty() ? 0 : uids.getLast();
    }

    /** Whether another party changed the mailbox since the last {@link #refresh}. */
    boolean hasPendingChanges() {
        return changed.get();
    }

    /** Records a message as this session changed it (so the change is not announced twice). */
    void update(StoredMessage message) {
        if (byUid.containsKey(message.uid())) {
            byUid.put(message.uid(), message);
        }
    }

    /** Forgets an expunged message; returns its former sequence number (or 0). */
    int remove(long uid) {
        int seq = seqOf(uid);
        if (seq > 0) {
            uids.remove(seq - 1);
            byUid.remove(uid);
        }
        return seq;
    }

    /** The untagged responses that bring the client up to date. */
    interface Announcer {
        void expunged(int seq, long uid) throws IOException;

        void exists(int count) throws IOException;

        void flagsChanged(int seq, StoredMessage message) throws IOException;
    }

    /**
     * Reads what changed since this view was last brought up to date and announces it.
     *
     * @param includeExpunges false during FETCH, STORE and SEARCH, which must not shift sequence
     *     numbers (RFC 9051 7.5.1)
     */
    void refresh(MailboxStore store, boolean includeExpunges, Announcer announcer) throws IOException {
        if (!changed.getAndSet(false)) {
            return;
        }
        Changes changes = store.changesSince(account, name, highestModSeq).orElse(null);
        if (changes == null) {
            // The mailbox is gone: RFC 9051 does not define this well; announcing every message expunged
            // keeps the client's view honest.
            if (includeExpunges) {
                for (int seq = uids.size(); seq >= 1; seq--) {
                    announcer.expunged(seq, uids.get(seq - 1));
                }
                uids.clear();
                byUid.clear();
            }
            return;
        }
        boolean deferred = false;
        for (long uid : changes.vanished()) {
            if (byUid.containsKey(uid)) {
                if (includeExpunges) {
                    announcer.expunged(remove(uid), uid);
                } else {
                    deferred = true;
                }
            }
        }
        long max = maxUid();
        int before = uids.size();
        for (StoredMessage m : changes.changed()) {
            StoredMessage known = byUid.get(m.uid());
            if (known == null && m.uid() > max) {
                uids.add(m.uid());
                byUid.put(m.uid(), m);
            } else if (known != null && (!known.flags().equals(m.flags()) || !known.keywords().equals(m.keywords())
                    || known.modSeq() != m.modSeq())) {
                byUid.put(m.uid(), m);
                if (!known.flags().equals(m.flags()) || !known.keywords().equals(m.keywords())) {
                    announcer.flagsChanged(seqOf(m.uid()), m);
                }
            }
        }
        if (uids.size() != before) {
            announcer.exists(uids.size());
        }
        if (deferred) {
            changed.set(true); // the expunges are still to be told
        } else {
            highestModSeq = Math.max(highestModSeq, changes.highestModSeq());
        }
    }

    @Override
    public void close() {
        watch.close();
    }
}
