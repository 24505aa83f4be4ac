package org.bastionmail.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.bastionmail.io.CarrierOffload;
import org.bastionmail.io.DurableFiles;

/**
 * Writes that add or remove messages: delivery (idempotent by delivery key), APPEND, EXPUNGE, COPY and
 * MOVE, each in one transaction, with the content files written before and removed after the commit.
 */
final class MessageWrites {
    private static final int MAX_DELIVERY_KEY_LENGTH = 512;
    private static final long MAX_UID = 0xFFFF_FFFFL; // RFC 9051 2.3.1.1: a 32-bit value
    /** A bound on one transaction, so that a burst still commits in steps. */
    private static final int MAX_BATCH = 128;

    private final StoreDatabase database;
    private final Connection db;
    private final IndexRows rows;
    private final MessageFiles content;
    private final MailboxEvents events;

    MessageWrites(StoreDatabase database, IndexRows rows, MessageFiles content, MailboxEvents events) {
        this.database = database;
        this.db = database.connection();
        this.rows = rows;
        this.content = content;
        this.events = events;
    }

    DeliveryOutcome deliver(String account, String mailbox, String deliveryKey, byte[] prefix, Path source,
            Instant internalDate, long quotaBytes) throws IOException {
        if (deliveryKey.isEmpty() || deliveryKey.length() > MAX_DELIVERY_KEY_LENGTH) {
            throw new IllegalArgumentException("a delivery key must be 1 to " + MAX_DELIVERY_KEY_LENGTH + " characters");
        }
        return add(account, mailbox, Optional.of(deliveryKey), prefix, source, "", internalDate, quotaBytes);
    }

    DeliveryOutcome append(String account, String mailbox, Path source, Set<Flag> flags,
            Set<String> keywords, Instant internalDate, long quotaBytes) throws IOException {
        return add(account, mailbox, Optional.empty(), new byte[0], source, FlagCodec.encode(flags, keywords),
                internalDate, quotaBytes);
    }

    /** One message waiting to be added by whichever delivery holds the lock next (see {@link #addPending}). */
    private record Addition(String account, String mailbox, Optional<String> deliveryKey, Path staged, long size,
            String flags, Instant internalDate, long quotaBytes, CompletableFuture<Added> result) {}

    private record Added(DeliveryOutcome outcome, long mailboxId) {}

    private final ConcurrentLinkedQueue<Addition> pending = new ConcurrentLinkedQueue<>();

    /**
     * Adds a message. The copy is written and fsync'd outside the store's lock, in parallel with other
     * deliveries; then the first of the waiting deliveries to get the lock adds every waiting message in
     * one transaction: one fsync per mailbox directory and one commit for the whole batch.
     */
    private DeliveryOutcome add(String account, String mailbox, Optional<String> deliveryKey, byte[] prefix,
            Path source, String flags, Instant internalDate, long quotaBytes) throws IOException {
        IndexRows.checkAccount(account);
        String name = Mailbox.checkName(mailbox);
        if (quotaBytes < 0) {
            throw new IllegalArgumentException("negative quota");
        }
        long[] size = {0};
        Path staged = CarrierOffload.call(() -> {
            size[0] = prefix.length + Files.size(source);
            return content.stage(prefix, source, size[0]);
        });
        Addition addition = new Addition(account, name, deliveryKey, staged, size[0], flags, internalDate, quotaBytes,
                new CompletableFuture<>());
        Added added = null;
        try {
            pending.add(addition);
            try {
                database.withDb(() -> {
                    if (!addition.result().isDone()) {
                        addPending();
                    }
                    return null;
                });
            } catch (IOException | RuntimeException e) {
                // Unless a delivery before us already added it (then its outcome stands: it may be stored).
                if (pending.remove(addition) || !addition.result().isDone()) {
                    throw e;
                }
            }
            added = addition.result().join();
        } catch (CompletionException e) {
            switch (e.getCause()) {
                case IOException io -> throw new IOException(io.getMessage(), io);
                case RuntimeException re -> throw re;
                default -> throw new IOException("mailbox store: " + e.getCause(), e.getCause());
            }
        } finally {
            if (added == null || !(added.outcome() instanceof DeliveryOutcome.Stored)) {
                // Stored: moved into place. Otherwise the copy is not needed.
                CarrierOffload.call(() -> Files.deleteIfExists(staged));
            }
        }
        if (added.outcome() instanceof DeliveryOutcome.Stored) {
            events.changed(added.mailboxId());
        }
        return added.outcome();
    }

    /** Under the lock: every waiting addition in one transaction, each inside a savepoint of its own. */
    private void addPending() throws SQLException, IOException {
        List<Addition> batch = new ArrayList<>();
        for (Addition a; batch.size() < MAX_BATCH && (a = pending.poll()) != null; ) {
            batch.add(a);
        }
        if (batch.isEmpty()) {
            return;
        }
        List<Added> results = new ArrayList<>(batch.size());
        List<Path> moved = new ArrayList<>();
        Set<Path> dirs = new LinkedHashSet<>();
        db.setAutoCommit(false);
        try {
            for (Addition a : batch) {
                Savepoint savepoint = db.setSavepoint();
                try {
                    Added added = addOne(a, moved, dirs);
                    if (added.outcome() instanceof DeliveryOutcome.Stored) {
                        db.releaseSavepoint(savepoint);
                    } else {
                        db.rollback(savepoint);
                    }
                    results.add(added);
                } catch (IllegalArgumentException | IOException e) {
                    // This message only (no such mailbox, out of UIDs, its file): the others go on.
                    db.rollback(savepoint);
                    results.add(null);
                    a.result().completeExceptionally(e);
                }
            }
            // The new names durable before the rows that point to them.
            for (Path dir : dirs) {
                DurableFiles.syncDirectory(dir);
            }
            db.commit();
        } catch (SQLException | IOException | RuntimeException e) {
            db.rollback();
            content.deleteFiles(moved);
            for (Addition a : batch) {
                a.result().completeExceptionally(e);
            }
            return;
        } finally {
            db.setAutoCommit(true);
        }
        for (int i = 0; i < batch.size(); i++) {
            if (results.get(i) != null) {
                batch.get(i).result().complete(results.get(i));
            }
        }
    }

    private Added addOne(Addition a, List<Path> moved, Set<Path> dirs) throws SQLException, IOException {
        Mailbox box = rows.findMailbox(a.account(), a.mailbox())
                .orElseThrow(() -> new IllegalArgumentException("no such mailbox: " + a.account() + " " + a.mailbox()));
        // The first statement writes, so that it takes the database's write lock (or the row lock, in
        // PostgreSQL) before anything is read: the key check and the quota check below then see every
        // delivery that committed before, and the earlier ones of this batch.
        long modSeq = rows.bumpModSeq(box.id());
        if (a.deliveryKey().isPresent()) {
            Optional<Long> earlier = deliveredUid(a.deliveryKey().get());
            if (earlier.isPresent()) {
                return new Added(new DeliveryOutcome.Duplicate(earlier.get()), box.id());
            }
        }
        long used = rows.usedBytesLocked(a.account());
        if (a.size() > a.quotaBytes() - used) {
            return new Added(new DeliveryOutcome.OverQuota(used, a.quotaBytes()), box.id());
        }
        long uid = rows.uidNext(box.id());
        if (uid > MAX_UID) {
            throw new IOException("mailbox " + a.mailbox() + " of " + a.account() + " has run out of UIDs");
        }
        // Content first (fsync'd when staged; its name by the batch's directory fsync), then the row.
        Path target = content.contentFile(box.id(), uid);
        content.moveStaged(a.staged(), target);
        moved.add(target);
        dirs.add(target.getParent());
        rows.insertMessage(box.id(), uid, modSeq, a.flags(), a.internalDate(), a.size(), a.account());
        if (a.deliveryKey().isPresent()) {
            recordDelivery(a.deliveryKey().get(), box.id(), uid);
        }
        return new Added(new DeliveryOutcome.Stored(uid), box.id());
    }

    private Optional<Long> deliveredUid(String deliveryKey) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT uid FROM deliveries WHERE delivery_key = ?")) {
            ps.setString(1, deliveryKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    private void recordDelivery(String deliveryKey, long mailboxId, long uid) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT INTO deliveries (delivery_key, mailbox_id, uid) VALUES (?, ?, ?)")) {
            ps.setString(1, deliveryKey);
            ps.setLong(2, mailboxId);
            ps.setLong(3, uid);
            ps.executeUpdate();
        }
    }

    List<Long> expunge(String account, String mailbox, Collection<Long> uids) throws IOException {
        List<Path> files = new ArrayList<>();
        long[] mailboxId = {0};
        List<Long> removed = database.withDb(() -> database.transaction(() -> {
            Optional<Mailbox> box = rows.findMailbox(account, IndexRows.lenientName(mailbox));
            if (box.isEmpty()) {
                return List.<Long>of();
            }
            mailboxId[0] = box.get().id();
            List<StoredMessage> victims = rows.existing(box.get().id(), uids);
            if (victims.isEmpty()) {
                return List.<Long>of();
            }
            long modSeq = rows.bumpModSeq(box.get().id());
            List<Long> done = removeMessages(account, box.get().id(), victims, modSeq);
            for (long uid : done) {
                files.add(content.contentFile(box.get().id(), uid));
            }
            return done;
        }));
        content.deleteFiles(files);
        if (!removed.isEmpty()) {
            events.changed(mailboxId[0]);
        }
        return removed;
    }

    /** Deletes the rows, remembers the UIDs for VANISHED and gives back the bytes; in a transaction. */
    private List<Long> removeMessages(String account, long mailboxId, List<StoredMessage> victims, long modSeq)
            throws SQLException {
        List<Long> done = new ArrayList<>();
        long bytes = 0;
        try (PreparedStatement delete = db.prepareStatement("DELETE FROM messages WHERE mailbox_id = ? AND uid = ?");
                PreparedStatement remember = db.prepareStatement(
                        "INSERT INTO expunged (mailbox_id, uid, modseq) VALUES (?, ?, ?)")) {
            for (StoredMessage victim : victims) {
                delete.setLong(1, mailboxId);
                delete.setLong(2, victim.uid());
                if (delete.executeUpdate() == 1) {
                    remember.setLong(1, mailboxId);
                    remember.setLong(2, victim.uid());
                    remember.setLong(3, modSeq);
                    remember.executeUpdate();
                    done.add(victim.uid());
                    bytes += victim.size();
                }
            }
        }
        rows.addUsedBytes(account, -bytes);
        return done;
    }

    CopyOutcome copy(String account, String from, Collection<Long> uids, String to, long quotaBytes)
            throws IOException {
        long[] target = {0};
        CopyOutcome outcome = database.withDb(() -> database.transaction(() -> {
            Mailbox source = rows.requireMailbox(account, from);
            Mailbox destination = rows.requireMailbox(account, to);
            target[0] = destination.id();
            List<StoredMessage> messages = rows.existing(source.id(), uids);
            long bytes = messages.stream().mapToLong(StoredMessage::size).sum();
            long used = rows.usedBytesLocked(account);
            if (bytes > quotaBytes - used) {
                return new CopyOutcome.OverQuota(used, quotaBytes);
            }
            return copyRows(account, source, destination, messages);
        }));
        if (outcome instanceof CopyOutcome.Copied c && !c.targetUids().isEmpty()) {
            events.changed(target[0]);
        }
        return outcome;
    }

    CopyOutcome.Copied move(String account, String from, Collection<Long> uids, String to) throws IOException {
        long[] ids = {0, 0};
        List<Path> files = new ArrayList<>();
        CopyOutcome.Copied outcome = database.withDb(() -> database.transaction(() -> {
            Mailbox source = rows.requireMailbox(account, from);
            Mailbox destination = rows.requireMailbox(account, to);
            ids[0] = source.id();
            ids[1] = destination.id();
            List<StoredMessage> messages = rows.existing(source.id(), uids);
            if (source.id() == destination.id() || messages.isEmpty()) {
                return new CopyOutcome.Copied(destination.uidValidity(), List.of(), List.of());
            }
            CopyOutcome.Copied copied = copyRows(account, source, destination, messages);
            removeMessages(account, source.id(), messages, rows.bumpModSeq(source.id()));
            for (StoredMessage m : messages) {
                files.add(content.contentFile(source.id(), m.uid()));
            }
            return copied;
        }));
        content.deleteFiles(files);
        if (!outcome.targetUids().isEmpty()) {
            events.changed(ids[0]);
            events.changed(ids[1]);
        }
        return outcome;
    }

    /** New rows (and content files, hard-linked where possible) in the target; in a transaction. */
    private CopyOutcome.Copied copyRows(String account, Mailbox source, Mailbox destination,
            List<StoredMessage> messages) throws SQLException, IOException {
        List<Long> sourceUids = new ArrayList<>();
        List<Long> targetUids = new ArrayList<>();
        if (messages.isEmpty()) {
            return new CopyOutcome.Copied(destination.uidValidity(), sourceUids, targetUids);
        }
        long modSeq = rows.bumpModSeq(destination.id());
        long uid = rows.uidNext(destination.id());
        if (uid + messages.size() - 1 > MAX_UID) {
            throw new IOException("mailbox " + destination.name() + " has run out of UIDs");
        }
        List<Path> written = new ArrayList<>();
        try {
            for (StoredMessage m : messages) {
                Path target = content.contentFile(destination.id(), uid);
                content.linkContent(content.contentFile(source.id(), m.uid()), target, m.size());
                written.add(target);
                rows.insertMessage(destination.id(), uid, modSeq, FlagCodec.encode(m.flags(), m.keywords()),
                        m.internalDate(), m.size(), account);
                sourceUids.add(m.uid());
                targetUids.add(uid);
                uid++;
            }
            DurableFiles.syncDirectory(content.contentFile(destination.id(), 1).getParent());
        } catch (SQLException | IOException | RuntimeException e) {
            content.deleteFiles(written);
            throw e;
        }
        return new CopyOutcome.Copied(destination.uidValidity(), sourceUids, targetUids);
    }
}
