package org.bastionmail.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** The index statements the reads and writes share; the caller holds the connection's lock. */
final class IndexRows {
    private static final int MAX_ACCOUNT_LENGTH = 320;

    private final Connection db;

    IndexRows(Connection db) {
        this.db = db;
    }

    static final String MAILBOX_COLUMNS = "SELECT id, account, name, uid_validity, uid_next, highest_modseq,"
            + " special_use, subscribed FROM mailboxes";

    Optional<Mailbox> findMailbox(String account, String name) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(MAILBOX_COLUMNS + " WHERE account = ? AND name = ?")) {
            ps.setString(1, account);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(mailbox(rs)) : Optional.empty();
            }
        }
    }

    static Mailbox mailbox(ResultSet rs) throws SQLException {
        return new Mailbox(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6), Optional.ofNullable(rs.getString(7)).flatMap(SpecialUse::fromAttribute),
                rs.getBoolean(8));
    }

    static final String MESSAGE_COLUMNS = "SELECT uid, modseq, flags, internal_date, size FROM messages";

    Optional<StoredMessage> findMessage(long mailboxId, long uid) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(MESSAGE_COLUMNS + " WHERE mailbox_id = ? AND uid = ?")) {
            ps.setLong(1, mailboxId);
            ps.setLong(2, uid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(message(rs)) : Optional.empty();
            }
        }
    }

    static StoredMessage message(ResultSet rs) throws SQLException {
        String flags = rs.getString(3);
        return new StoredMessage(rs.getLong(1), rs.getLong(2), FlagCodec.flags(flags), FlagCodec.keywords(flags),
                Instant.ofEpochMilli(rs.getLong(4)), rs.getLong(5));
    }

    /** RFC 7162 3.1.1: each change gets a mod-sequence higher than any before it in the mailbox. */
    long bumpModSeq(long mailboxId) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
                "UPDATE mailboxes SET highest_modseq = highest_modseq + 1 WHERE id = ?")) {
            ps.setLong(1, mailboxId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = db.prepareStatement("SELECT highest_modseq FROM mailboxes WHERE id = ?")) {
            ps.setLong(1, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    long usedBytesLocked(String account) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT used_bytes FROM accounts WHERE name = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("no such account: " + account);
                }
                return rs.getLong(1);
            }
        }
    }

    long uidNext(long mailboxId) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT uid_next FROM mailboxes WHERE id = ?")) {
            ps.setLong(1, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    void insertMessage(long mailboxId, long uid, long modSeq, String flags, Instant internalDate, long size,
            String account) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT INTO messages (mailbox_id, uid, modseq, flags, internal_date, size) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, mailboxId);
            ps.setLong(2, uid);
            ps.setLong(3, modSeq);
            ps.setString(4, flags);
            ps.setLong(5, internalDate.toEpochMilli());
            ps.setLong(6, size);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = db.prepareStatement("UPDATE mailboxes SET uid_next = ? WHERE id = ?")) {
            ps.setLong(1, uid + 1);
            ps.setLong(2, mailboxId);
            ps.executeUpdate();
        }
        addUsedBytes(account, size);
    }

    void addUsedBytes(String account, long delta) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
                "UPDATE accounts SET used_bytes = used_bytes + ? WHERE name = ?")) {
            ps.setLong(1, delta);
            ps.setString(2, account);
            ps.executeUpdate();
        }
    }

    /** The stored spelling of {@code name} for a lookup; an invalid name matches nothing anyway. */
    static String lenientName(String name) {
        try {
            return Mailbox.checkName(name);
        } catch (IllegalArgumentException e) {
            return name;
        }
    }

    static void checkAccount(String account) {
        if (account.isEmpty() || account.length() > MAX_ACCOUNT_LENGTH) {
            throw new IllegalArgumentException("an account name must be 1 to " + MAX_ACCOUNT_LENGTH + " characters");
        }
        for (int i = 0; i < account.length(); i++) {
            if (Character.isISOControl(account.charAt(i))) {
                throw new IllegalArgumentException("an account name must not contain control characters");
            }
        }
    }

    Mailbox requireMailbox(String account, String name) throws SQLException {
        return findMailbox(account, lenientName(name))
                .orElseThrow(() -> new IllegalArgumentException("no such mailbox: " + name));
    }

    /** The existing messages among {@code uids}, in UID order. */
    List<StoredMessage> existing(long mailboxId, Collection<Long> uids) throws SQLException {
        List<StoredMessage> found = new ArrayList<>();
        for (long uid : new TreeSet<>(uids)) {
            findMessage(mailboxId, uid).ifPresent(found::add);
        }
        return found;
    }
}
