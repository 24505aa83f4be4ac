package org.bastionmail.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteMailboxStoreTest implements MailboxStoreContract {
    @TempDir
    Path dataDir;

    @TempDir
    Path scratch;

    private MailboxStore store;

    @BeforeEach
    void open() throws IOException {
        store = SqliteMailboxStore.open(dataDir);
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    @Override
    public MailboxStore store() {
        return store;
    }

    @Override
    public MailboxStore reopen() throws IOException {
        store.close();
        store = SqliteMailboxStore.open(dataDir);
        return store;
    }

    @Override
    public Path scratch() {
        return scratch;
    }

    @Test
    void indexIsInWalModeWithASchemaVersion() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("store/index.db"));
                Statement st = db.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
                assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
            }
            try (ResultSet rs = st.executeQuery("SELECT version FROM schema_version")) {
                assertThat(rs.getInt(1)).isEqualTo(Schema.latestVersion());
            }
        }
    }

    @Test
    void contentFileNamesAreNumbersOnly() throws IOException {
        store.ensureAccount(ALICE);
        store.createMailbox(ALICE, "../evil", Optional.empty());
        Path file = Files.writeString(scratch.resolve("m.eml"), "x\r\n");
        store.deliver(ALICE, "../evil", "k", file, Instant.now(), Long.MAX_VALUE);
        Path messages = dataDir.resolve("store/messages");
        try (Stream<Path> all = Files.walk(messages)) {
            List<String> relative = all.filter(Files::isRegularFile)
                    .map(p -> messages.relativize(p).toString()).toList();
            assertThat(relative).singleElement().asString().matches("[0-9]+/[0-9]+\\.eml");
        }
        try (Stream<Path> outside = Files.list(dataDir)) {
            assertThat(outside.map(p -> p.getFileName().toString())).containsExactly("store");
        }
    }

    @Test
    void aContentFileLeftByACrashIsReplacedByTheNextDelivery() throws IOException {
        store.ensureAccount(ALICE);
        Mailbox inbox = store.mailbox(ALICE, "INBOX").orElseThrow();
        // What a crash after the content fsync and before the commit leaves: a file at UIDNEXT.
        Path orphan = dataDir.resolve("store/messages/" + inbox.id() + "/" + inbox.uidNext() + ".eml");
        Files.createDirectories(orphan.getParent());
        Files.writeString(orphan, "a longer half-delivered message that nobody acknowledged\r\n");

        MailboxStore reopened = reopen();
        assertThat(reopened.messages(ALICE, "INBOX")).isEmpty();
        Path file = Files.writeString(scratch.resolve("m.eml"), "new\r\n");
        reopened.deliver(ALICE, "INBOX", "k", file, Instant.now(), Long.MAX_VALUE);
        try (InputStream in = reopened.openContent(ALICE, "INBOX", inbox.uidNext()).orElseThrow()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("new\r\n");
        }
    }

    @Test
    void aNewerSchemaIsRefused() throws Exception {
        store.close();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("store/index.db"));
                Statement st = db.createStatement()) {
            st.executeUpdate("UPDATE schema_version SET version = 99");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SqliteMailboxStore.open(dataDir))
                .isInstanceOf(IOException.class).hasMessageContaining("newer");
        // @AfterEach closes the store again, which is allowed.
    }
}
