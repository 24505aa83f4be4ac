package org.bastionmail.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Accounts and mailboxes: creation with the default set, CREATE, RENAME, DELETE and subscriptions. */
final class MailboxWrites {
    private final StoreDatabase database;
    private final Connection db;
    private final IndexRows rows;
    private final MessageFiles content;
    private final MailboxEvents events;

    MailboxWrites(StoreDatabase database, IndexRows rows, MessageFiles content, MailboxEvents events) {
        this.database = database;
        this.db = database.connection();
        this.rows = rows;
        this.content = content;
        this.events = events;
    }

    void ensureAccount(String account) throws IOException {
        IndexRows.checkAccount(account);
        database.withDb(() -> database.transaction(() -> {
            try (PreparedStatement ps = db.prepareStatement(
                    "INSERT INTO accounts (name, used_bytes) SELECT ?, 0"
                            + " WHERE NOT EXISTS (SELECT 1 FROM accounts WHERE name = ?)")) {
                ps.setString(1, account);
                ps.setString(2, account);
                ps.executeUpdate();
            }
            for (MailboxStore.DefaultMailbox mailbox : MailboxStore.DEFAULT_MAILBOXES) {
                if (rows.findMailbox(account, mailbox.name()).isEmpty()) {
                    insertMailbox(account, mailbox.name(), mailbox.specialUse());
                }
            }
            return null;
        }));
    }

    Mailbox createMailbox(String account, String name, Optional<SpecialUse> specialUse) throws IOException {
        IndexRows.checkAccount(account);
        String canonical = Mailbox.checkName(name);
        return database.withDb(() -> database.transaction(() -> {
            if (!accountExists(account)) {
                throw new IllegalArgumentException("no such account: " + account);
            }
            if (rows.findMailbox(account, canonical).isPresent()) {
                throw new IllegalArgumentException("mailbox exists: " + canonical);
            }
            insertMailbox(account, canonical, specialUse);
            return rows.findMailbox(account, canonical).orElseThrow();
        }));
    }

    private void insertMailbox(String account, String name, Optional<SpecialUse> specialUse) throws SQLException {
        long id = nextMailboxId();
        // RFC 9051 2.3.1.1: UIDVALIDITY must differ whenever a name is reused. The creation time in
        // seconds does that, and taking one more than any value handed out (kept in sequences, so deleted
        // mailboxes count too) keeps it strictly unique
        // even for mailboxes created within the same second.
        long uidValidity;
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT next_value FROM sequences WHERE name = 'uid_validity'")) {
            rs.next();
            uidValidity = Math.max(Instant.now().getEpochSecond(), rs.getLong(1));
        }
        try (PreparedStatement ps = db.prepareStatement(
                "UPDATE sequences SET next_value = ? WHERE name = 'uid_validity'")) {
            ps.setLong(1, uidValidity + 1);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT INTO mailboxes (id, account, name, uid_validity, uid_next, highest_modseq, special_use,"
                        + " subscribed) VALUES (?, ?, ?, ?, 1, 1, ?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, account);
            ps.setString(3, name);
            ps.setLong(4, uidValidity);
            ps.setString(5, specialUse.map(SpecialUse::attribute).orElse(null));
            ps.setBoolean(6, true);
            ps.executeUpdate();
        }
    }

    private long nextMailboxId() throws SQLException {
        try (Statement st = db.createStatement()) {
            st.executeUpdate("UPDATE sequences SET next_value = next_value + 1 WHERE name = 'mailbox_id'");
            try (ResultSet rs = st.executeQuery("SELECT next_value - 1 FROM sequences WHERE name = 'mailbox_id'")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private boolean accountExists(String account) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM accounts WHERE name = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    void renameMailbox(String account, String from, String to) throws IOException {
        String oldName = Mailbox.checkName(from);
        String newName = Mailbox.checkName(to);
        database.withDb(() -> database.transaction(() -> {
            Mailbox box = rows.requireMailbox(account, oldName);
            if (rows.findMailbox(account, newName).isPresent()) {
                throw new IllegalArgumentException("mailbox exists: " + newName);
            }
            if (newName.equals(oldName) || newName.startsWith(oldName + Mailbox.SEPARATOR)) {
                throw new IllegalArgumentException("cannot rename a mailbox into itself");
            }
            List<Mailbox> all = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement(IndexRows.MAILBOX_COLUMNS + " WHERE account = ?")) {
                ps.setString(1, account);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        all.add(IndexRows.mailbox(rs));
                    }
                }
            }
            boolean inbox = box.name().equals(Mailbox.INBOX);
            try (PreparedStatement ps = db.prepareStatement("UPDATE mailboxes SET name = ? WHERE id = ?")) {
                for (Mailbox m : all) {
                    String renamed;
                    if (m.id() == box.id()) {
                        renamed = newName;
                    } else if (!inbox && m.name().startsWith(oldName + Mailbox.SEPARATOR)) {
                        // RFC 9051 6.3.6: inferior names move along; INBOX's children stay.
                        renamed = newName + m.name().substring(oldName.length());
                    } else {
                        continue;
                    }
                    Mailbox.checkName(renamed);
                    ps.setString(1, renamed);
                    ps.setLong(2, m.id());
                    ps.executeUpdate();
                }
            }
            // RFC 9051 6.3.6: renaming INBOX moves its messages and leaves an empty INBOX. Renaming the row
            // and creating a fresh INBOX does that; the fresh one gets a new UIDVALIDITY. A renamed
            // mailbox may keep its UIDVALIDITY: it was never handed out for the new name.
            if (inbox) {
                insertMailbox(account, Mailbox.INBOX, Optional.empty());
            }
            return null;
        }));
    }

    void deleteMailbox(String account, String name) throws IOException {
        String canonical = Mailbox.checkName(name);
        if (canonical.equals(Mailbox.INBOX)) {
            throw new IllegalArgumentException("INBOX cannot be deleted"); // RFC 9051 6.3.5
        }
        List<Path> files = new ArrayList<>();
        long[] id = {0};
        database.withDb(() -> database.transaction(() -> {
            Mailbox box = rows.requireMailbox(account, canonical);
            id[0] = box.id();
            try (PreparedStatement ps = db.prepareStatement(
                    "SELECT 1 FROM mailboxes WHERE account = ? AND name LIKE ? ESCAPE '!'")) {
                ps.setString(1, account);
                ps.setString(2, canonical.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "/%");
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        throw new IllegalArgumentException("mailbox has children: " + canonical);
                    }
                }
            }
            long bytes = 0;
            try (PreparedStatement ps = db.prepareStatement("SELECT uid, size FROM messages WHERE mailbox_id = ?")) {
                ps.setLong(1, box.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        files.add(content.contentFile(box.id(), rs.getLong(1)));
                        bytes += rs.getLong(2);
                    }
                }
            }
            for (String sql : List.of("DELETE FROM messages WHERE mailbox_id = ?",
                    "DELETE FROM expunged WHERE mailbox_id = ?", "DELETE FROM deliveries WHERE mailbox_id = ?",
                    "DELETE FROM mailboxes WHERE id = ?")) {
                try (PreparedStatement ps = db.prepareStatement(sql)) {
                    ps.setLong(1, box.id());
                    ps.executeUpdate();
                }
            }
            rows.addUsedBytes(account, -bytes);
            return null;
        }));
        content.deleteFiles(files);
        try {
            Files.deleteIfExists(content.mailboxDir(id[0]));
        } catch (IOException e) {
            // not empty (an orphan): harmless
        }
        // Sessions that selected it learn that everything is gone.
        events.changed(id[0]);
    }

    void setSubscribed(String account, String name, boolean subscribed) throws IOException {
        database.withDb(() -> {
            Mailbox box = rows.requireMailbox(account, name);
            try (PreparedStatement ps = db.prepareStatement("UPDATE mailboxes SET subscribed = ? WHERE id = ?")) {
                ps.setBoolean(1, subscribed);
                ps.setLong(2, box.id());
                ps.executeUpdate();
            }
            return null;
        });
    }
}
