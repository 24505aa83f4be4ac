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
    @Test
    void concurrentDeliveriesShareTransactionsWithoutLossOrDuplicates() throws Exception {
        store.ensureAccount(ALICE);
        int keys = 20;
        List<java.util.concurrent.Future<DeliveryOutcome>> results = new java.util.ArrayList<>();
        java.util.concurrent.Future<DeliveryOutcome> missing;
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < keys; i++) {
                    Path file = Files.writeString(scratch.resolve("m" + i + "-" + round + ".eml"), "message " + i + "\r\n");
                    String key = "q" + i + "/alice";
                    results.add(threads.submit(() -> store.deliver(ALICE, "INBOX", key, file, Instant.now(), Long.MAX_VALUE)));
                }
            }
            Path file = Files.writeString(scratch.resolve("nowhere.eml"), "x\r\n");
            missing = threads.submit(() -> store.deliver(ALICE, "Nowhere", "n/alice", file, Instant.now(), Long.MAX_VALUE));
        }
        long stored = 0;
        long duplicates = 0;
        for (var result : results) {
            DeliveryOutcome outcome = result.get();
            stored += outcome instanceof DeliveryOutcome.Stored ? 1 : 0;
            duplicates += outcome instanceof DeliveryOutcome.Duplicate ? 1 : 0;
        }
        assertThat(stored).isEqualTo(keys);
        assertThat(duplicates).isEqualTo(keys);
        // One bad delivery in a batch fails alone.
        org.assertj.core.api.Assertions.assertThatThrownBy(missing::get).hasCauseInstanceOf(IllegalArgumentException.class);
        List<StoredMessage> messages = store.messages(ALICE, "INBOX");
        assertThat(messages).extracting(StoredMessage::uid).doesNotHaveDuplicates().hasSize(keys);
        java.util.Set<String> contents = new java.util.HashSet<>();
        for (StoredMessage m : messages) {
            try (InputStream in = store.openContent(ALICE, "INBOX", m.uid()).orElseThrow()) {
                contents.add(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            }
        }
        assertThat(contents).hasSize(keys).allMatch(c -> c.matches("message [0-9]+\r\n"));
        assertThat(store.usedBytes(ALICE)).isEqualTo(messages.stream().mapToLong(StoredMessage::size).sum());
        try (Stream<Path> staged = Files.list(dataDir.resolve("store/incoming"))) {
            assertThat(staged).isEmpty();
        }
    }

    @Test
    void stagedCopiesLeftByACrashAreRemovedAtOpenWhenOld() throws IOException {
        Path incoming = dataDir.resolve("store/incoming");
        Path old = Files.writeString(incoming.resolve("d1.eml"), "left by a crash\r\n");
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(7200)));
        // Perhaps a delivery in progress in the server while the CLI opens the store: kept.
        Path fresh = Files.writeString(incoming.resolve("d2.eml"), "being delivered\r\n");
        reopen();
        assertThat(old).doesNotExist();
        assertThat(fresh).exists();
    }
}
