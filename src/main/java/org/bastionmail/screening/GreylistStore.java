package org.bastionmail.screening;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bastionmail.io.CarrierOffload;
import org.bastionmail.io.SqliteDatabase;

/**
 * The greylisting triplets, in {@code greylist.db} (SQLite, WAL) in the data dir, so that a restart neither
 * defers again mail that already waited nor forgets correspondents. Triplets are stored as SHA-256 keys: the
 * file holds no address, and every row has the same small size. One connection for the process, behind a
 * lock, every statement on a platform thread ({@link CarrierOffload}).
 *
 * <p>Losing the last writes in a power cut only means a sender is deferred once more, so the database syncs
 * at checkpoints only (synchronous=NORMAL).
 */
final class GreylistStore implements AutoCloseable {
    static final String FILE = "greylist.db";

    /**
     * One triplet's history.
     *
     * @param passedAt when a retry first passed; empty while the triplet is still waiting
     */
    record Entry(Instant firstSeen, Optional<Instant> passedAt, Instant lastSeen) {}

    private final SqliteDatabase database;
    private final Connection db;

    private GreylistStore(SqliteDatabase database) {
        this.database = database;
        this.db = database.connection();
    }

    static GreylistStore open(Path dataDir) throws IOException {
        return new GreylistStore(SqliteDatabase.open(dataDir.resolve(FILE), "the greylist", "NORMAL", List.of(), db -> {
            try (Statement st = db.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS triplet (key BLOB PRIMARY KEY, first_seen INTEGER NOT NULL,"
                        + " passed_at INTEGER, last_seen INTEGER NOT NULL) WITHOUT ROWID");
                st.execute("CREATE INDEX IF NOT EXISTS triplet_age ON triplet (passed_at IS NOT NULL, last_seen)");
            }
        }));
    }

    Optional<Entry> find(byte[] key) throws IOException {
        return withDb(() -> {
            try (PreparedStatement st = db.prepareStatement(
                    "SELECT first_seen, passed_at, last_seen FROM triplet WHERE key = ?")) {
                st.setBytes(1, key);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    long passed = rs.getLong(2);
                    Optional<Instant> passedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(passed));
                    return Optional.of(new Entry(Instant.ofEpochMilli(rs.getLong(1)), passedAt,
                            Instant.ofEpochMilli(rs.getLong(3))));
                }
            }
        });
    }

    /** Writes the whole entry of {@code key}, new or not. */
    void put(byte[] key, Entry entry) throws IOException {
        withDb(() -> {
            try (PreparedStatement st = db.prepareStatement(
                    "INSERT OR REPLACE INTO triplet (key, first_seen, passed_at, last_seen) VALUES (?, ?, ?, ?)")) {
                st.setBytes(1, key);
                st.setLong(2, entry.firstSeen().toEpochMilli());
                if (entry.passedAt().isPresent()) {
                    st.setLong(3, entry.passedAt().get().toEpochMilli());
                } else {
                    st.setNull(3, java.sql.Types.INTEGER);
                }
                st.setLong(4, entry.lastSeen().toEpochMilli());
                st.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Forgets triplets that never passed and were first seen before {@code waitingSince}, and passed ones last
     * seen before {@code passedSince}; then, if more than {@code max} remain, the oldest of those that never
     * passed, then the oldest passed ones.
     *
     * @return how many triplets remain
     */
    int clean(Instant waitingSince, Instant passedSince, int max) throws IOException {
        return withDb(() -> {
            try (PreparedStatement st = db.prepareStatement(
                    "DELETE FROM triplet WHERE (passed_at IS NULL AND first_seen < ?) OR (passed_at IS NOT NULL AND last_seen < ?)")) {
                st.setLong(1, waitingSince.toEpochMilli());
                st.setLong(2, passedSince.toEpochMilli());
                st.executeUpdate();
            }
            int count = count();
            if (count > max) {
                try (PreparedStatement st = db.prepareStatement("DELETE FROM triplet WHERE key IN (SELECT key FROM triplet"
                        + " ORDER BY passed_at IS NOT NULL, last_seen LIMIT ?)")) {
                    st.setInt(1, count - max);
                    st.executeUpdate();
                }
                count = count();
            }
            return count;
        });
    }

    int size() throws IOException {
        return withDb(this::count);
    }

    private int count() throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM triplet")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private <T> T withDb(SqliteDatabase.Work<T> work) throws IOException {
        return database.withDb(work);
    }

    @Override
    public void close() throws IOException {
        database.close();
    }
}
