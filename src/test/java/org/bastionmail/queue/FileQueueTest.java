package org.bastionmail.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.bastionmail.mail.MailAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileQueueTest {
    @TempDir
    Path dataDir;

    static final byte[] CONTENT = "From: a@example.org\r\nSubject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);

    static Envelope envelope(String... recipients) {
        List<Envelope.Recipient> rcpts = Stream.of(recipients).map(MailAddress::parse).map(Envelope.Recipient::of).toList();
        return new Envelope(Optional.of(MailAddress.parse("sender@example.org")), rcpts, Envelope.BodyType.EIGHT_BIT_MIME,
                false, Optional.empty(), Optional.empty(), false, "192.0.2.1", "client.example.org", Optional.empty(),
                Instant.parse("2026-11-27T08:00:00Z"));
    }

    static String commit(FileQueue queue, byte[] content, Envelope envelope) throws IOException {
        try (IncomingMessage message = queue.newMessage()) {
            message.content().write(content);
            return message.commit(envelope);
        }
    }

    private List<String> files(String dir) throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("queue").resolve(dir))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aCommittedMessageIsListedWithAllRecipientsPending() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        Envelope envelope = envelope("bob@example.test", "carol@example.test");
        String id = commit(queue, CONTENT, envelope);

        assertThat(QueueId.isValid(id)).isTrue();
        QueueEntry entry = queue.entry(id).orElseThrow();
        assertThat(entry.envelope()).isEqualTo(envelope);
        assertThat(entry.size()).isEqualTo(CONTENT.length);
        assertThat(entry.recipients()).extracting(RecipientState::status)
                .containsExactly(RecipientState.Status.PENDING, RecipientState.Status.PENDING);
        assertThat(Files.readAllBytes(queue.contentFile(id))).isEqualTo(CONTENT);
        assertThat(queue.entries()).extracting(QueueEntry::id).containsExactly(id);
        assertThat(files("incoming")).isEmpty();
    }

    @Test
    void everyEnvelopeFieldSurvivesTheDisk() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        Envelope envelope = new Envelope(Optional.empty(),
                List.of(new Envelope.Recipient(new MailAddress("J\u00f6rg \"x\"", "b\u00fccher.example"),
                                Set.of(Envelope.Notify.SUCCESS, Envelope.Notify.DELAY),
                                Optional.of("rfc822;J\u00f6rg@b\u00fccher.example")),
                        Envelope.Recipient.of(MailAddress.parse("bob@example.test"))),
                Envelope.BodyType.BINARY_MIME, true, Optional.of(Envelope.Ret.HDRS), Optional.of("env-42"), true,
                "2001:db8::1", "[2001:db8::1]", Optional.of("alice@example.test"), Instant.parse("2026-01-02T03:04:05.678Z"))
                .withChecks("Authentication-Results: mx.example.test;\r\n\tdkim=pass header.d=example.org\r\n", true);
        String id = commit(queue, CONTENT, envelope);

        assertThat(FileQueue.open(dataDir).entry(id).orElseThrow().envelope()).isEqualTo(envelope);
    }

    @Test
    void aReplacedHeaderSectionIsWhatIsCommitted() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        String id;
        try (IncomingMessage message = queue.newMessage()) {
            message.content().write(CONTENT);
            message.replaceHeader("X-Added: yes\r\nSubject: changed\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(message.openWritten().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("X-Added: yes\r\nSubject: changed\r\n\r\nbody\r\n");
            // The message is complete once its header section was replaced.
            assertThatThrownBy(() -> message.content().write('x')).isInstanceOf(IOException.class);
            id = message.commit(envelope("bob@example.test"));
        }
        assertThat(Files.readString(queue.contentFile(id))).isEqualTo("X-Added: yes\r\nSubject: changed\r\n\r\nbody\r\n");
        assertThat(files("incoming")).isEmpty();
    }

    @Test
    void replacingTheHeaderOfAMessageWithoutBodyOrHeader() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        try (IncomingMessage headerOnly = queue.newMessage(); IncomingMessage bodyOnly = queue.newMessage()) {
            headerOnly.content().write("Subject: x\r\n".getBytes(StandardCharsets.UTF_8));
            headerOnly.replaceHeader("Subject: y\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(headerOnly.openWritten().readAllBytes()).asString().isEqualTo("Subject: y\r\n\r\n");
            bodyOnly.content().write("\r\nbody\r\n\r\nmore\r\n".getBytes(StandardCharsets.UTF_8));
            bodyOnly.replaceHeader("X-A: 1\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(bodyOnly.openWritten().readAllBytes()).asString().isEqualTo("X-A: 1\r\n\r\nbody\r\n\r\nmore\r\n");
        }
        assertThat(files("incoming")).isEmpty();
    }

    @Test
    void aCommittedMessageSurvivesACrash() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        IncomingMessage message = queue.newMessage();
        message.content().write(CONTENT);
        String id = message.commit(envelope("bob@example.test"));
        // "Crash": the objects are dropped without close.

        FileQueue reopened = FileQueue.open(dataDir);
        assertThat(reopened.entries()).extracting(QueueEntry::id).containsExactly(id);
        assertThat(Files.readAllBytes(reopened.contentFile(id))).isEqualTo(CONTENT);
    }

    @Test
    void anUncommittedMessageIsGoneAfterACrash() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        IncomingMessage message = queue.newMessage();
        message.content().write(CONTENT);
        message.content().flush();
        assertThat(files("incoming")).hasSize(1);

        FileQueue reopened = FileQueue.open(dataDir);
        assertThat(files("incoming")).isEmpty();
        assertThat(reopened.entries()).isEmpty();
    }

    @Test
    void contentWithoutEnvelopeIsANeverAcknowledgedLeftover() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        String kept = commit(queue, CONTENT, envelope("bob@example.test"));
        // A crash between moving the content and moving the envelope into place.
        String half = QueueId.next(Instant.now());
        Files.write(queue.contentFile(half), CONTENT);
        Files.writeString(dataDir.resolve("queue/incoming/" + half + ".json"), "{}");
        // State left by a message removed before the crash, and a half-written state file.
        Files.writeString(dataDir.resolve("queue/state/" + QueueId.next(Instant.now()) + ".json"), "{}");
        Files.writeString(dataDir.resolve("queue/state/" + kept + ".json.tmp"), "{");

        FileQueue reopened = FileQueue.open(dataDir);
        assertThat(reopened.entries()).extracting(QueueEntry::id).containsExactly(kept);
        assertThat(files("messages")).containsExactly(kept + ".eml");
        assertThat(files("incoming")).isEmpty();
        assertThat(files("state")).isEmpty();
    }

    @Test
    void closeWithoutCommitDiscards() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        IncomingMessage message = queue.newMessage();
        message.content().write(CONTENT);
        message.close();

        assertThat(files("incoming")).isEmpty();
        assertThatThrownBy(() -> message.commit(envelope("bob@example.test"))).isInstanceOf(IllegalStateException.class);
        assertThat(queue.entries()).isEmpty();
    }

    @Test
    void closingTheContentStreamDoesNotLoseTheMessage() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        try (IncomingMessage message = queue.newMessage()) {
            try (OutputStream out = message.content()) {
                out.write(CONTENT);
            }
            String id = message.commit(envelope("bob@example.test"));
            assertThat(Files.readAllBytes(queue.contentFile(id))).isEqualTo(CONTENT);
        }
    }

    @Test
    void aMessageIsCommittedOnce() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        try (IncomingMessage message = queue.newMessage()) {
            message.content().write(CONTENT);
            message.commit(envelope("bob@example.test"));
            assertThatThrownBy(() -> message.commit(envelope("bob@example.test")))
                    .isInstanceOf(IllegalStateException.class);
        }
        assertThat(queue.entries()).hasSize(1);
    }

    @Test
    void aMessageWithoutRecipientsIsRefused() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        try (IncomingMessage message = queue.newMessage()) {
            assertThatThrownBy(() -> message.commit(envelope())).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(queue.entries()).isEmpty();
        assertThat(files("incoming")).isEmpty();
    }

    @Test
    void listenersHearOfDurableCommits() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        List<Optional<QueueEntry>> seen = new ArrayList<>();
        queue.onCommit(id -> {
            try {
                seen.add(FileQueue.inspect(dataDir).entry(id));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        queue.onCommit(id -> {
            throw new IllegalStateException("a broken listener");
        });
        String id = commit(queue, CONTENT, envelope("bob@example.test"));

        assertThat(seen).singleElement().satisfies(e -> assertThat(e).map(QueueEntry::id).contains(id));
    }

    @Test
    void recipientStateChangesAreDurable() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        String id = commit(queue, CONTENT, envelope("bob@example.test", "far@remote.example"));
        List<RecipientState> before = queue.entry(id).orElseThrow().recipients();
        Instant retry = Instant.parse("2026-11-27T09:00:00Z");
        List<RecipientState> after = List.of(
                before.get(0).delivered("delivered to bob@example.test"),
                before.get(1).deferred("outbound delivery not yet available", Optional.empty()),
                RecipientState.pending(Envelope.Recipient.of(MailAddress.parse("fwd@remote.example")))
                        .deferred("mailbox full", Optional.of(retry)));
        queue.update(id, after);

        QueueEntry reread = FileQueue.open(dataDir).entry(id).orElseThrow();
        assertThat(reread.recipients()).isEqualTo(after);
        assertThat(reread.recipients().get(2).nextAttempt()).contains(retry);
        assertThat(reread.done()).isFalse();
    }

    @Test
    void anEntryIsRemovedWhenNoRecipientIsOpen() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        String id = commit(queue, CONTENT, envelope("bob@example.test", "gone@example.test"));
        QueueEntry entry = queue.entry(id).orElseThrow();
        queue.update(id, List.of(entry.recipients().get(0).deferred("mailbox full", Optional.of(Instant.now())),
                entry.recipients().get(1).failed("5.1.1 no such user")));
        assertThat(files("state")).hasSize(1);

        Optional<QueueEntry> updated = queue.update(id, List.of(entry.recipients().get(0).delivered("ok"),
                entry.recipients().get(1).failed("5.1.1 no such user")));

        assertThat(updated).isEmpty();
        assertThat(queue.entry(id)).isEmpty();
        assertThat(files("messages")).isEmpty();
        assertThat(files("envelopes")).isEmpty();
        assertThat(files("state")).isEmpty();
        assertThat(FileQueue.open(dataDir).entries()).isEmpty();
    }

    @Test
    void idsAreUniqueSortableAndSafe() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(commit(queue, CONTENT, envelope("bob@example.test")));
        }
        assertThat(ids).doesNotHaveDuplicates().allMatch(id -> id.matches("[0-9a-z]{16}"));
        assertThat(queue.entries()).extracting(QueueEntry::id).containsExactlyInAnyOrderElementsOf(ids);

        Instant t = Instant.parse("2026-11-27T08:00:00Z");
        assertThat(QueueId.next(t).compareTo(QueueId.next(t.plusMillis(1)))).isNegative();
        assertThat(QueueId.next(t).compareTo(QueueId.next(t.plusSeconds(86_400L * 365 * 50)))).isNegative();
    }

    @Test
    void malformedIdsNeverReachTheFileSystem() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        commit(queue, CONTENT, envelope("bob@example.test"));
        for (String bad : List.of("../../etc/passwd", "", "ABCDEFGHJKMNPQRS", "0123456789abcdef/", "0123456789abcdeu")) {
            assertThat(queue.entry(bad)).as(bad).isEmpty();
            assertThatThrownBy(() -> queue.contentFile(bad)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> queue.update(bad, List.of())).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aDamagedEnvelopeDoesNotHideTheOthers() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        String good = commit(queue, CONTENT, envelope("bob@example.test"));
        String bad = commit(queue, CONTENT, envelope("bob@example.test"));
        // Whole JSON that does not make an envelope: not a cut-short commit, so reported, not removed.
        Files.writeString(queue.envelopeFile(bad), "{\"format\":1,\"recipients\":[{\"address\":{\"local\":\"x\"}}]}");

        // The process that committed them keeps their envelopes in memory; after a restart the files count.
        assertThat(queue.entries()).extracting(QueueEntry::id).containsExactly(good, bad);
        FileQueue restarted = FileQueue.open(dataDir);
        assertThat(restarted.entries()).extracting(QueueEntry::id).containsExactly(good);
        assertThatThrownBy(() -> restarted.entry(bad)).isInstanceOf(IOException.class);
    }

    @Test
    void inspectionChangesNothing() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        String id = commit(queue, CONTENT, envelope("bob@example.test"));
        IncomingMessage inProgress = queue.newMessage();
        inProgress.content().write(CONTENT);
        inProgress.content().flush();

        FileQueue view = FileQueue.inspect(dataDir);
        assertThat(view.entries()).extracting(QueueEntry::id).containsExactly(id);
        assertThat(files("incoming")).hasSize(1);
        assertThatThrownBy(view::newMessage).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> view.update(id, queue.entry(id).orElseThrow().recipients()))
                .isInstanceOf(IllegalStateException.class);
        inProgress.close();
    }
}
