package org.bastionmail.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.bastionmail.config.Config;
import org.bastionmail.mail.MailAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDirectoryTest implements DirectoryContract {
    @TempDir
    Path dataDir;

    private final List<Directory> opened = new ArrayList<>();

    @Override
    public Directory open(Config config) {
        Directory d = SqliteDirectory.open(dataDir, config);
        opened.add(d);
        return d;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(Directory::close);
    }

    private String sql(String query) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("directory.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void storesArgon2idPhcStringsAndNoPassword() throws SQLException {
        Directory d = directory();
        d.addUser(MailAddress.parse("alice@example.test"), "hunter2hunter2".toCharArray());
        String phc = sql("SELECT password_hash FROM users WHERE account = 'alice@example.test'");
        assertThat(phc).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(PasswordHash.isWellFormed(phc)).isTrue();
        assertThat(sql("SELECT COUNT(*) FROM users WHERE password_hash LIKE '%hunter2%' OR scram_salt LIKE '%hunter2%'"))
                .isEqualTo("0");
        assertThat(sql("PRAGMA journal_mode")).isEqualToIgnoringCase("wal");
        assertThat(sql("SELECT version FROM schema_version")).isEqualTo(String.valueOf(DirectorySchema.VERSION));
    }

    @Test
    void reopeningKeepsEverything() {
        Directory first = directory();
        first.addUser(MailAddress.parse("alice@example.test"), "pw".toCharArray());
        first.close();
        opened.remove(first);
        Directory second = directory();
        assertThat(second.verifyPassword("alice@example.test", "pw".getBytes(StandardCharsets.UTF_8)))
                .hasValue("alice@example.test");
    }

    @Test
    void refusesADatabaseFromANewerVersion() throws SQLException {
        directory().close();
        opened.clear();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("directory.db"));
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE schema_version SET version = 999");
        }
        assertThatThrownBy(this::directory).isInstanceOf(IllegalStateException.class).hasMessageContaining("newer");
    }

    @Test
    void corruptStoredHashNeverMatches() throws SQLException {
        Directory d = directory();
        d.addUser(MailAddress.parse("alice@example.test"), "pw".toCharArray());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("directory.db"));
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE users SET password_hash = '$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA'");
        }
        assertThat(d.verifyPassword("alice@example.test", "pw".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void passwordHashRoundTrip() {
        PasswordHash hash = new PasswordHash();
        byte[] pw = "secret".getBytes(StandardCharsets.UTF_8);
        String phc = hash.hash(pw);
        assertThat(hash.hash(pw)).isNotEqualTo(phc); // fresh salt each time
        assertThat(hash.verify(phc, pw)).isTrue();
        assertThat(hash.verify(phc, "secreT".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(hash.verify("garbage", pw)).isFalse();
        assertThat(hash.verify(phc.replace("argon2id", "argon2i"), pw)).isFalse();
    }
}
