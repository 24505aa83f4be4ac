package org.bastionmail.store;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Flag and keyword changes (RFC 9051 6.4.6 STORE), each with a new mod-sequence (RFC 7162 3.1.1). */
final class FlagWrites {
    private final StoreDatabase database;
    private final Connection db;
    private final IndexRows rows;
    private final MailboxEvents events;

    FlagWrites(StoreDatabase database, IndexRows rows, MailboxEvents events) {
        this.database = database;
        this.db = database.connection();
        this.rows = rows;
        this.events = events;
    }

    Optional<StoredMessage> setFlags(String account, String mailbox, long uid, Set<Flag> flags,
            Set<String> keywords) throws IOException {
        String encoded = FlagCodec.encode(flags, keywords);
        return database.withDb(() -> {
            Optional<Mailbox> box = rows.findMailbox(account, IndexRows.lenientName(mailbox));
            if (box.isEmpty()) {
                return Optional.empty();
            }
            long mailboxId = box.get().id();
            db.setAutoCommit(false);
            try {
                long modSeq = rows.bumpModSeq(mailboxId);
                int updated;
                try (PreparedStatement ps = db.prepareStatement(
                        "UPDATE messages SET flags = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?")) {
                    ps.setString(1, encoded);
                    ps.setLong(2, modSeq);
                    ps.setLong(3, mailboxId);
                    ps.setLong(4, uid);
                    updated = ps.executeUpdate();
                }
                if (updated == 0) {
                    db.rollback();
                    return Optional.empty();
                }
                Optional<StoredMessage> changed = rows.findMessage(mailboxId, uid);
                db.commit();
                events.changed(mailboxId);
                return changed;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        });
    }

    FlagResult storeFlags(String account, String mailbox, Collection<Long> uids, FlagChange change,
            OptionalLong unchangedSince) throws IOException {
        long[] mailboxId = {0};
        FlagResult result = database.withDb(() -> database.transaction(() -> {
            Optional<Mailbox> box = rows.findMailbox(account, IndexRows.lenientName(mailbox));
            if (box.isEmpty()) {
                return new FlagResult(List.of(), List.of(), List.of());
            }
            long id = box.get().id();
            mailboxId[0] = id;
            List<StoredMessage> unchanged = new ArrayList<>();
            List<Long> modified = new ArrayList<>();
            List<StoredMessage> toChange = new ArrayList<>();
            List<String> newFlags = new ArrayList<>();
            for (StoredMessage message : rows.existing(id, uids)) {
                if (unchangedSince.isPresent() && message.modSeq() > unchangedSince.getAsLong()) {
                    modified.add(message.uid());
                    continue;
                }
                String before = FlagCodec.encode(message.flags(), message.keywords());
                String after = apply(message, change);
                if (before.equals(after)) {
                    unchanged.add(message);
                } else {
                    toChange.add(message);
                    newFlags.add(after);
                }
            }
            List<StoredMessage> changed = new ArrayList<>();
            if (!toChange.isEmpty()) {
                // RFC 7162 3.1.1: one command's changes may share one mod-sequence.
                long modSeq = rows.bumpModSeq(id);
                try (PreparedStatement ps = db.prepareStatement(
                        "UPDATE messages SET flags = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?")) {
                    for (int i = 0; i < toChange.size(); i++) {
                        ps.setString(1, newFlags.get(i));
                        ps.setLong(2, modSeq);
                        ps.setLong(3, id);
                        ps.setLong(4, toChange.get(i).uid());
                        ps.executeUpdate();
                        StoredMessage m = toChange.get(i);
                        changed.add(new StoredMessage(m.uid(), modSeq, FlagCodec.flags(newFlags.get(i)),
                                FlagCodec.keywords(newFlags.get(i)), m.internalDate(), m.size()));
                    }
                }
            }
            return new FlagResult(changed, unchanged, modified);
        }));
        if (!result.changed().isEmpty()) {
            events.changed(mailboxId[0]);
        }
        return result;
    }

    private static String apply(StoredMessage message, FlagChange change) {
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        Set<String> keywords = new LinkedHashSet<>();
        if (change.mode() != FlagChange.Mode.REPLACE) {
            flags.addAll(message.flags());
            keywords.addAll(message.keywords());
        }
        if (change.mode() == FlagChange.Mode.REMOVE) {
            flags.removeAll(change.flags());
            // RFC 9051 2.3.2: keywords are case-insensitive
            keywords.removeIf(k -> change.keywords().stream().anyMatch(k::equalsIgnoreCase));
        } else {
            flags.addAll(change.flags());
            for (String keyword : change.keywords()) {
                if (keywords.stream().noneMatch(keyword::equalsIgnoreCase)) {
                    keywords.add(keyword);
                }
            }
        }
        return FlagCodec.encode(flags, keywords);
    }
}
