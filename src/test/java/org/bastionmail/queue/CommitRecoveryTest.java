package org.bastionmail.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bastionmail.queue.FileQueueTest.CONTENT;
import static org.bastionmail.queue.FileQueueTest.commit;
import static org.bastionmail.queue.FileQueueTest.envelope;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a crash may leave of a commit whose fsyncs (both files, both directories) ran at the same time and
 * did not all finish: the next open must remove it (it was never acknowledged) and keep everything else.
 */
class CommitRecoveryTest {
    @TempDir
    Path dataDir;

    private List<String> files(String dir) throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("queue").resolve(dir))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** One good entry and one whose files {@code damage} changes, then a restart. */
    private FileQueue restartAfter(Damage damage) throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        String good = commit(queue, CONTENT, envelope("bob@example.test"));
        String hit = commit(queue, CONTENT, envelope("carol@example.test"));
        damage.apply(queue.contentFile(hit), queue.envelopeFile(hit));
        FileQueue restarted = FileQueue.open(dataDir);
        assertThat(restarted.entries()).extracting(QueueEntry::id).containsExactly(good);
        assertThat(files("messages")).containsExactly(good + ".eml");
        assertThat(files("envelopes")).containsExactly(good + ".json");
        return restarted;
    }

    @FunctionalInterface
    private interface Damage {
        void apply(Path content, Path envelope) throws IOException;
    }

    @Test
    void anEnvelopeCutShortIsRemovedWithItsContent() throws IOException {
        restartAfter((content, envelope) -> {
            byte[] json = Files.readAllBytes(envelope);
            Files.write(envelope, Arrays.copyOf(json, json.length / 2));
        });
    }

    @Test
    void anEmptyEnvelopeIsRemoved() throws IOException {
        restartAfter((content, envelope) -> Files.write(envelope, new byte[0]));
    }

    @Test
    void anEnvelopeWithALostBlockIsRemoved() throws IOException {
        // Same length, zeros where the data never reached the disk.
        restartAfter((content, envelope) -> {
            byte[] json = Files.readAllBytes(envelope);
            Arrays.fill(json, json.length / 3, json.length, (byte) 0);
            Files.write(envelope, json);
        });
    }

    @Test
    void aTruncatedContentIsRemoved() throws IOException {
        restartAfter((content, envelope) -> Files.write(content, Arrays.copyOf(CONTENT, CONTENT.length - 1)));
    }

    @Test
    void anEmptyContentIsRemoved() throws IOException {
        restartAfter((content, envelope) -> Files.write(content, new byte[0]));
    }

    @Test
    void aContentWithABadChecksumIsRemoved() throws IOException {
        restartAfter((content, envelope) -> {
            byte[] bytes = CONTENT.clone();
            bytes[bytes.length / 2] ^= 0x01;
            Files.write(content, bytes);
        });
    }

    @Test
    void aContentOfTheRightLengthButZerosIsRemoved() throws IOException {
        restartAfter((content, envelope) -> Files.write(content, new byte[CONTENT.length]));
    }

    @Test
    void aContentLongerThanRecordedIsRemoved() throws IOException {
        restartAfter((content, envelope) -> Files.write(content, (new String(CONTENT, StandardCharsets.UTF_8) + "x")
                .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aHugeDeclaredLengthIsRemovedWithoutReading() throws IOException {
        restartAfter((content, envelope) -> Files.writeString(envelope,
                Files.readString(envelope).replaceFirst("\"contentLength\":\\d+", "\"contentLength\":" + Long.MAX_VALUE)));
    }

    @Test
    void aNegativeDeclaredLengthIsRemoved() throws IOException {
        restartAfter((content, envelope) -> Files.writeString(envelope,
                Files.readString(envelope).replaceFirst("\"contentLength\":\\d+", "\"contentLength\":-1")));
    }

    @Test
    void contentThatLooksLikeAnEnvelopeIsOnlyContent() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        Envelope real = envelope("bob@example.test");
        // What a hostile sender might put in the message: the queue's own formats, a forged check included.
        String forged = new String(QueueJson.write(envelope("mallory@example.test"), new QueueJson.ContentCheck(0, 0)),
                StandardCharsets.UTF_8);
        byte[] hostile = ("Subject: x\r\n\r\n" + forged + "\r\n" + forged).getBytes(StandardCharsets.UTF_8);
        String id = commit(queue, hostile, real);

        FileQueue restarted = FileQueue.open(dataDir);
        QueueEntry entry = restarted.entry(id).orElseThrow();
        assertThat(entry.envelope()).isEqualTo(real);
        assertThat(entry.size()).isEqualTo(hostile.length);
        assertThat(Files.readAllBytes(restarted.contentFile(id))).isEqualTo(hostile);
    }

    @Test
    void aRewrittenHeaderIsCheckedAsRewritten() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        String id;
        try (IncomingMessage message = queue.newMessage()) {
            message.content().write(CONTENT);
            message.replaceHeader("X-Added: yes\r\n".getBytes(StandardCharsets.UTF_8));
            id = message.commit(envelope("bob@example.test"));
        }
        FileQueue restarted = FileQueue.open(dataDir);
        assertThat(restarted.entries()).extracting(QueueEntry::id).containsExactly(id);
        assertThat(Files.readString(restarted.contentFile(id))).isEqualTo("X-Added: yes\r\n\r\nbody\r\n");
    }

    @Test
    void anEnvelopeFromBeforeTheCheckIsKept() throws IOException {
        // A queue written by an older version: content and envelope without length or checksum.
        FileQueue queue = FileQueue.open(dataDir);
        String id = commit(queue, CONTENT, envelope("bob@example.test"));
        Path envelope = queue.envelopeFile(id);
        Files.writeString(envelope, Files.readString(envelope).replaceFirst(",\"contentLength\":\\d+", "")
                .replaceFirst(",\"contentCrc32c\":\\d+", ""));
        assertThat(Files.readString(envelope)).doesNotContain("content");
        Files.write(queue.contentFile(id), new byte[3]); // not checked: there is nothing to check against

        FileQueue restarted = FileQueue.open(dataDir);
        assertThat(restarted.entries()).extracting(QueueEntry::id).containsExactly(id);
        assertThat(QueueJson.readContentCheck(Files.readAllBytes(envelope))).isEqualTo(Optional.empty());
    }

    @Test
    void aCommittedEnvelopeRecordsItsContent() throws IOException {
        FileQueue queue = FileQueue.open(dataDir);
        String id = commit(queue, CONTENT, envelope("bob@example.test"));
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(CONTENT);
        assertThat(QueueJson.readContentCheck(Files.readAllBytes(queue.envelopeFile(id))))
                .contains(new QueueJson.ContentCheck(CONTENT.length, crc.getValue()));
        assertThat(files("incoming")).isEmpty();
    }
}
