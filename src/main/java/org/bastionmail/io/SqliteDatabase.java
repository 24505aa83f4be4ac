package org.bastionmail.io;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One SQLite file used by the whole process through one connection behind a lock. SQLite's JNI calls block
 * their thread, so every statement runs on a platform thread through {@link CarrierOffload}, never on a
 * virtual thread's carrier.
 */
public final class SqliteDatabase implements AutoCloseable {
    private final String name;
    private final Connection db;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private SqliteDatabase(String name, Connection db) {
        this.name = name;
        this.db = db;
    }

    /** Work done with the connection, inside the lock. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException, IOException;
    }

    /** What a freshly opened connection does before use: creating or migrating the schema. */
    @FunctionalInterface
    public interface Setup {
        void run(Connection db) throws SQLException, IOException;
    }

    /**
     * Opens {@code file} in WAL mode with {@code synchronous} (FULL where a commit must survive a power cut,
     * NORMAL where losing the last commits is harmless), waits up to 10 s for another process's lock, then
     * runs {@code setup}.
     *
     * @param name what the database is, for error messages ("the mailbox store")
     */
    public static SqliteDatabase open(Path file, String name, String synchronous, List<String> pragmas, Setup setup)
            throws IOException {
        if (!List.of("FULL", "NORMAL").contains(synchronous)) {
            throw new IllegalArgumentException("synchronous must be FULL or NORMAL: " + synchronous);
        }
        return CarrierOffload.call(() -> {
            try {
                Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                try {
                    try (Statement st = db.createStatement()) {
                        st.execute("PRAGMA journal_mode=WAL");
                        st.execute("PRAGMA synchronous=" + synchronous);
                        st.execute("PRAGMA busy_timeout=10000");
                        for (String pragma : pragmas) {
                            st.execute("PRAGMA " + pragma);
                        }
                    }
                    setup.run(db);
                } catch (SQLException | IOException | RuntimeException e) {
                    db.close();
                    throw e;
                }
                return new SqliteDatabase(name, db);
            } catch (SQLException e) {
                throw new IOException("cannot open " + name + " " + file + ": " + e.getMessage(), e);
            }
        });
    }

    /** The connection; use it only inside {@link #withDb}. */
    public Connection connection() {
        return db;
    }

    /** Runs {@code work} with the connection to itself, on a platform thread. */
    public <T> T withDb(Work<T> work) throws IOException {
        return CarrierOffload.call(() -> {
            lock.lock();
            try {
                if (closed) {
                    throw new IOException(name + " is closed");
                }
                return work.run();
            } catch (SQLException e) {
                throw new IOException(name + ": " + e.getMessage(), e);
            } finally {
                lock.unlock();
            }
        });
    }

    /** Runs {@code work} in a transaction that commits unless it throws. Call inside {@link #withDb}. */
    public <T> T transaction(Work<T> work) throws SQLException, IOException {
        db.setAutoCommit(false);
        try {
            T result = work.run();
            db.commit();
            return result;
        } catch (SQLException | IOException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    /** Closes the connection once; later calls and later work find it closed. */
    @Override
    public void close() throws IOException {
        CarrierOffload.call(() -> {
            lock.lock();
            try {
                if (!closed) {
                    closed = true;
                    db.close();
                }
                return null;
            } catch (SQLException e) {
                throw new IOException("closing " + name + ": " + e.getMessage(), e);
            } finally {
                lock.unlock();
            }
        });
    }
}
