package org.bastionmail.store;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.bastionmail.io.CarrierOffload;
import org.bastionmail.io.DurableFiles;
import org.bastionmail.io.SqliteDatabase;

/**
 * The SQLite index ({@code store/index.db}, WAL, synchronous=FULL): one connection for the process,
 * guarded by a lock; every statement runs on a platform thread through {@link CarrierOffload}.
 */
final class StoreDatabase {
    private final SqliteDatabase db;

    private StoreDatabase(SqliteDatabase db) {
        this.db = db;
    }

    /** Opens (creating and migrating if needed) {@code storeDir/index.db}; creates {@code messagesDir}. */
    static StoreDatabase open(Path storeDir, Path messagesDir) throws IOException {
        CarrierOffload.call(() -> {
            DurableFiles.createDirectories(messagesDir);
            return null;
        });
        // FULL: a committed transaction survives a power cut, not only a crash.
        return new StoreDatabase(SqliteDatabase.open(storeDir.resolve("index.db"), "the mailbox store", "FULL",
                List.of("foreign_keys=ON"), Schema::migrate));
    }

    Connection connection() {
        return db.connection();
    }

    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException, IOException;
    }

    /** Runs {@code work} with the connection to itself, on a platform thread. */
    <T> T withDb(Work<T> work) throws IOException {
        return db.withDb(work::run);
    }

    /** Runs {@code work} in a transaction that commits unless it throws. Call inside {@link #withDb}. */
    <T> T transaction(Work<T> work) throws SQLException, IOException {
        return db.transaction(work::run);
    }

    void close() throws IOException {
        db.close();
    }
}
