package org.bastionmail.directory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The directory's tables and their migrations. Plain SQL that SQLite and PostgreSQL both run: binary
 * values are stored as base64 text, times as epoch milliseconds.
 */
final class DirectorySchema {
    /** Each entry migrates from version {@code index} to {@code index + 1}; append only. */
    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            """
            CREATE TABLE domains (
                name VARCHAR(255) PRIMARY KEY,
                created BIGINT NOT NULL)""",
            """
            CREATE TABLE users (
                account VARCHAR(320) PRIMARY KEY,
                password_hash VARCHAR(255),
                scram_salt VARCHAR(128),
                scram_iterations INTEGER,
                scram_stored_key VARCHAR(128),
                scram_server_key VARCHAR(128),
                quota BIGINT NOT NULL DEFAULT 0,
                created BIGINT NOT NULL)""",
            """
            CREATE TABLE aliases (
                alias VARCHAR(320) NOT NULL,
                target VARCHAR(320) NOT NULL,
                PRIMARY KEY (alias, target))"""));

    static final int VERSION = MIGRATIONS.size();

    private DirectorySchema() {}

    /** Brings the schema up to {@link #VERSION}; call inside a write transaction. */
    static void migrate(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            int current;
            try (ResultSet rs = statement.executeQuery("SELECT MAX(version) FROM schema_version")) {
                current = rs.next() ? rs.getInt(1) : 0;
            }
            if (current > VERSION) {
                throw new IllegalStateException("directory database has schema version " + current
                        + ", newer than this Bastion knows (" + VERSION + "); upgrade Bastion");
            }
            for (int version = current; version < VERSION; version++) {
                for (String sql : MIGRATIONS.get(version)) {
                    statement.executeUpdate(sql);
                }
            }
            if (current < VERSION) {
                statement.executeUpdate("DELETE FROM schema_version");
                statement.executeUpdate("INSERT INTO schema_version (version) VALUES (" + VERSION + ")");
            }
        }
    }
}
