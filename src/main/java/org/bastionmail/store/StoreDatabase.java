package org.bastionmail.store;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import org.bastionmail.io.CarrierOffload;
import org.bastionmail.io.DurableFiles;

/**
 * The SQLite index ({@code store/index.db}, WAL, synchronous=FULL): one connection for the process,
 * guarded by a lock; every statement runs on a platform thread through {@link CarrierOffload}.
 */
final class StoreDatabase {
    private final Connection db;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private StoreDatabase(Connection db) {
        this.db = db;
    }

    /** Opens (creating and migrating if needed) {@code storeDir/index.db}; creates {@code messagesDir}. */
    static StoreDatabase open(Path storeDir, Path messagesDir) throws IOException {
        return CarrierOffload.call(() -> {
            DurableFiles.createDirectories(messagesDir);
            try {
                Connection db = DriverManager.getConnection("jdbc:sqlite:" + storeDir.resolve("index.db"));
                try {
                    try (Statement st = db.createStatement()) {
                        st.execute("PRAGMA journal_mode=WAL");
                        // FULL: a committed transaction survives a power cut, not only a crash.
                        st.execute("PRAGMA synchronous=FULL");
                        st.execute("PRAGMA foreign_keys=ON");
                        st.execute("PRAGMA busy_timeout=10000");
                    }
                    Schema.migrate(db);
                } catch (SQLException e) {
                    db.close();
                    throw e;
                }
                return new StoreDatabase(db);
            } catch (SQLException e) {
                throw new IOException("cannot open the mailbox store in " + storeDir + ": " + e.getMessage(), e);
            }
        });
    }

    Connection connection() {
        return db;
    }

    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException, IOException;
    }

    /** Runs {@code work} with the connection to itself, on a platform thread. */
    <T> T withDb(Work<T> work) throws IOException {
        return CarrierOffload.call(() -> {
            lock.lock();
            try {
                if (closed) {
                    throw new IOException("the mailbox store is closed");
                }
                return work.run();
            } catch (SQLException e) {
                throw new IOException("mailbox store: " + e.getMessage(), e);
            } finally {
                lock.unlock();
            }
        });
    }

    /** Runs {@code work} in a transaction that commits unless it throws. Call inside {@link #withDb}. */
    <T> T transaction(Work<T> work) throws SQLException, IOException {
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

    void close() throws IOException {
        CarrierOffload.call(() -> {
            lock.lock();
            try {
                if (!closed) {
                    closed = true;
                    db.close();
                }
                return null;
            } catch (SQLException e) {
                throw new IOException("closing the mailbox store: " + e.getMessage(), e);
            } finally {
                lock.unlock();
            }
        });
    }
}
