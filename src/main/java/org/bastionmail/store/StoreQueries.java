package org.bastionmail.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The read-only side: mailboxes, messages, contents, changes since a mod-sequence, counts and usage. */
final class StoreQueries {
    private final StoreDatabase database;
    private final Connection db;
    private final IndexRows rows;
    private final MessageFiles content;

    StoreQueries(StoreDatabase database, IndexRows rows, MessageFiles content) {
        this.database = database;
        this.db = database.connection();
        this.rows = rows;
        this.content = content;
    }

    List<Mailbox> mailboxes(String account) throws IOException {
        return database.withDb(() -> {
            List<Mailbox> result = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement(IndexRows.MAILBOX_COLUMNS + " WHERE account = ? ORDER BY name")) {
                ps.setString(1, account);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(IndexRows.mailbox(rs));
                    }
                }
            }
            return result;
        });
    }

    Optional<Mailbox> mailbox(String account, String name) throws IOException {
        return database.withDb(() -> rows.findMailbox(account, IndexRows.lenientName(name)));
    }

    List<StoredMessage> messages(String account, String mailbox) throws IOException {
        return database.withDb(() -> {
            Optional<Mailbox> box = rows.findMailbox(account, IndexRows.lenientName(mailbox));
            if (box.isEmpty()) {
                return List.of();
            }
            List<StoredMessage> result = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement(IndexRows.MESSAGE_COLUMNS + " WHERE mailbox_id = ? ORDER BY uid")) {
                ps.setLong(1, box.get().id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(IndexRows.message(rs));
                    }
                }
            }
            return result;
        });
    }

    Optional<InputStream> openContent(String account, String mailbox, long uid) throws IOException {
        Optional<Path> file = database.withDb(() -> {
            Optional<Mailbox> box = rows.findMailbox(account, IndexRows.lenientName(mailbox));
            if (box.isEmpty() || rows.findMessage(box.get().id(), uid).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(content.contentFile(box.get().id(), uid));
        });
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.newInputStream(file.get()));
        } catch (NoSuchFileException e) {
            throw new IOException("the content of message " + uid + " in " + mailbox + " is missing", e);
        }
    }

    MailboxStore.ContentSource contents(String account, String mailbox) throws IOException {
        Optional<Mailbox> box = database.withDb(() -> rows.findMailbox(account, IndexRows.lenientName(mailbox)));
        if (box.isEmpty()) {
            return uid -> Optional.empty();
        }
        long mailboxId = box.get().id();
        // Content files are named by mailbox id and UID: no index query per message (a large mailbox
        // searched with N queries took seconds).
        return uid -> {
            try {
                return Optional.of(Files.newInputStream(content.contentFile(mailboxId, uid)));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
        };
    }

    long usedBytes(String account) throws IOException {
        return database.withDb(() -> {
            try (PreparedStatement ps = db.prepareStatement("SELECT used_bytes FROM accounts WHERE name = ?")) {
                ps.setString(1, account);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    Optional<Changes> changesSince(String account, String mailbox, long modSeq) throws IOException {
        return database.withDb(() -> {
            Optional<Mailbox> box = rows.findMailbox(account, IndexRows.lenientName(mailbox));
            if (box.isEmpty()) {
                return Optional.empty();
            }
            long id = box.get().id();
            List<StoredMessage> changed = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement(
                    IndexRows.MESSAGE_COLUMNS + " WHERE mailbox_id = ? AND modseq > ? ORDER BY uid")) {
                ps.setLong(1, id);
                ps.setLong(2, modSeq);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        changed.add(IndexRows.message(rs));
                    }
                }
            }
            List<Long> vanished = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement(
                    "SELECT uid FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid")) {
                ps.setLong(1, id);
                ps.setLong(2, modSeq);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        vanished.add(rs.getLong(1));
                    }
                }
            }
            return Optional.of(new Changes(box.get().highestModSeq(), changed, vanished));
        });
    }

    Optional<MailboxCounts> counts(String account, String mailbox) throws IOException {
        return database.withDb(() -> {
            Optional<Mailbox> box = rows.findMailbox(account, IndexRows.lenientName(mailbox));
            if (box.isEmpty()) {
                return Optional.empty();
            }
            // Flags are stored as "\\Seen \\Deleted ..."; no keyword holds a backslash, so LIKE finds the flag.
            // ESCAPE: PostgreSQL would otherwise take the backslash as LIKE's escape character.
            try (PreparedStatement ps = db.prepareStatement("SELECT COUNT(*),"
                    + " COALESCE(SUM(CASE WHEN flags LIKE '%\\Seen%' ESCAPE '!' THEN 0 ELSE 1 END), 0),"
                    + " COALESCE(SUM(CASE WHEN flags LIKE '%\\Deleted%' ESCAPE '!' THEN 1 ELSE 0 END), 0),"
                    + " COALESCE(SUM(size), 0) FROM messages WHERE mailbox_id = ?")) {
                ps.setLong(1, box.get().id());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return Optional.of(new MailboxCounts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                }
            }
        });
    }
}
