package org.bastionmail.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDatabaseTest {
    @TempDir
    Path dir;

    private SqliteDatabase open() throws IOException {
        return SqliteDatabase.open(dir.resolve("t.db"), "the test database", "FULL", List.of("foreign_keys=ON"), db -> {
            try (Statement st = db.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS t (v INTEGER)");
            }
        });
    }

    private static long count(SqliteDatabase db) throws IOException {
        return db.withDb(() -> {
            try (Statement st = db.connection().createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Test
    void aTransactionThatThrowsLeavesNothingBehindAndOneThatReturnsIsKept() throws Exception {
        try (SqliteDatabase db = open()) {
            assertThatThrownBy(() -> db.withDb(() -> db.transaction(() -> {
                try (Statement st = db.connection().createStatement()) {
                    st.execute("INSERT INTO t VALUES (1)");
                }
                throw new IOException("disk trouble");
            }))).isInstanceOf(IOException.class).hasMessage("disk trouble");
            assertThat(count(db)).isZero();
            db.withDb(() -> db.transaction(() -> {
                try (Statement st = db.connection().createStatement()) {
                    return st.executeUpdate("INSERT INTO t VALUES (2)");
                }
            }));
        }
        try (SqliteDatabase reopened = open()) {
            assertThat(count(reopened)).as("committed before close, found after reopening").isEqualTo(1);
            String mode = reopened.withDb(() -> {
                try (Statement st = reopened.connection().createStatement(); ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertThat(mode).isEqualToIgnoringCase("wal");
        }
    }

    @Test
    void sqlErrorsNameTheDatabaseAndAClosedOneRefusesWork() throws Exception {
        SqliteDatabase db = open();
        assertThatThrownBy(() -> db.withDb(() -> {
            try (Statement st = db.connection().createStatement()) {
                return st.execute("SELECT * FROM missing");
            }
        })).isInstanceOf(IOException.class).hasMessageStartingWith("the test database: ");
        db.close();
        db.close(); // twice is harmless
        assertThatThrownBy(() -> count(db)).isInstanceOf(IOException.class).hasMessage("the test database is closed");
    }

    @Test
    void aFailingSetupClosesTheConnectionAndSaysWhichFile() throws Exception {
        Files.writeString(dir.resolve("bad.db"), "this is not a database, but long enough to be read as a header......");
        assertThatThrownBy(() -> SqliteDatabase.open(dir.resolve("bad.db"), "the test database", "NORMAL", List.of(),
                db -> { })).isInstanceOf(IOException.class).hasMessageContaining("cannot open the test database");
        assertThatThrownBy(() -> SqliteDatabase.open(dir.resolve("x.db"), "x", "OFF", List.of(), db -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
