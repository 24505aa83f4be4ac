package org.bastionmail.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The index schema and its migrations. The SQL is kept to what SQLite and PostgreSQL both run
 * (no AUTOINCREMENT, no SERIAL: ids come from the {@code sequences} table), so that a PostgreSQL
 * store can share it.
 */
final class Schema {
    private Schema() {}

    /** Migration i brings the schema from version i to version i + 1. */
    private static final List<List<String>> MIGRATIONS = List.of(
            // 1: accounts, mailboxes, messages and delivery keys.
            List.of(
            """
            CREATE TABLE sequences (
                name VARCHAR(64) PRIMARY KEY,
                next_value BIGINT NOT NULL)""",
            "INSERT INTO sequences (name, next_value) VALUES ('mailbox_id', 1)",
            """
            CREATE TABLE accounts (
                name VARCHAR(320) PRIMARY KEY,
                used_bytes BIGINT NOT NULL)""",
            """
            CREATE TABLE mailboxes (
                id BIGINT PRIMARY KEY,
                account VARCHAR(320) NOT NULL REFERENCES accounts (name),
                name VARCHAR(1024) NOT NULL,
                uid_validity BIGINT NOT NULL,
                uid_next BIGINT NOT NULL,
                highest_modseq BIGINT NOT NULL,
                special_use VARCHAR(16),
                subscribed BOOLEAN NOT NULL,
                UNIQUE (account, name))""",
            """
            CREATE TABLE messages (
                mailbox_id BIGINT NOT NULL REFERENCES mailboxes (id),
                uid BIGINT NOT NULL,
                modseq BIGINT NOT NULL,
                flags VARCHAR(4000) NOT NULL,
                internal_date BIGINT NOT NULL,
                size BIGINT NOT NULL,
                PRIMARY KEY (mailbox_id, uid))""",
            """
            CREATE TABLE deliveries (
                delivery_key VARCHAR(512) PRIMARY KEY,
                mailbox_id BIGINT NOT NULL REFERENCES mailboxes (id),
                uid BIGINT NOT NULL)"""),
            // 2: IMAP. Expunged UIDs are kept with the MODSEQ of their removal for QRESYNC's VANISHED
            // (RFC 7162 3.2.10), and flag changes are found by MODSEQ.
            List.of(
                    """
                    CREATE TABLE expunged (
                        mailbox_id BIGINT NOT NULL,
                        uid BIGINT NOT NULL,
                        modseq BIGINT NOT NULL,
                        PRIMARY KEY (mailbox_id, uid))""",
                    // UIDVALIDITY must never repeat for a name, even after a DELETE (RFC 9051 2.3.1.1):
                    // the highest value handed out is kept here, not recomputed from the live mailboxes.
                    "INSERT INTO sequences (name, next_value)"
                            + " SELECT 'uid_validity', COALESCE(MAX(uid_validity), 0) + 1 FROM mailboxes",
                    "CREATE INDEX messages_modseq ON messages (mailbox_id, modseq)",
                    "CREATE INDEX expunged_modseq ON expunged (mailbox_id, modseq)"));

    static int latestVersion() {
        return MIGRATIONS.size();
    }

    /** Brings the schema up to date in one transaction per migration; refuses a newer schema. */
    static void migrate(Connection db) throws SQLException {
        try (Statement st = db.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        }
        int version = currentVersion(db);
        if (version > latestVersion()) {
            throw new SQLException("the store's schema version " + version + " is newer than this Bastion ("
                    + latestVersion() + ")");
        }
        for (int v = version; v < latestVersion(); v++) {
            db.setAutoCommit(false);
            try (Statement st = db.createStatement()) {
                for (String sql : MIGRATIONS.get(v)) {
                    st.execute(sql);
                }
                st.execute("DELETE FROM schema_version");
                try (PreparedStatement ps = db.prepareStatement("INSERT INTO schema_version (version) VALUES (?)")) {
                    ps.setInt(1, v + 1);
                    ps.executeUpdate();
                }
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        }
    }

    static int currentVersion(Connection db) throws SQLException {
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT MAX(version) FROM schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
