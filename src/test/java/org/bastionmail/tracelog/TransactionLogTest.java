package org.bastionmail.tracelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionLogTest {

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        volatile Instant now;

        MovingClock(Instant start) {
            now = start;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static TraceEvent delivery(String queueId, String recipient) {
        return new TraceEvent.Delivery(Instant.EPOCH, queueId, recipient, "local", "delivered", Optional.empty(),
                "2.0.0 delivered", 1, Duration.ofMillis(5));
    }

    @Test
    void sizeRotationKeepsABoundedNumberOfFilesAndLosesNothingItKeeps(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("log").resolve("transactions.jsonl");
        MovingClock clock = new MovingClock(Instant.parse("2026-11-27T10:00:00Z"));
        RotatingFile rotating = new RotatingFile(file, false, 1000, 3, clock);
        for (int i = 0; i < 100; i++) {
            rotating.write(TraceJson.line(delivery("q" + i, "r" + i + "@example.test")));
            clock.now = clock.now.plusMillis(1);
        }
        rotating.close();
        List<Path> all = RotatingFile.all(file);
        assertThat(RotatingFile.rotated(file)).hasSize(3);
        assertThat(all).hasSize(4).last().isEqualTo(file);
        for (Path p : all) {
            assertThat(Files.size(p)).isLessThanOrEqualTo(1000);
        }
        // The newest lines are kept, in order, across the files.
        StringBuilder text = new StringBuilder();
        for (Path p : all) {
            text.append(Files.readString(p, StandardCharsets.UTF_8));
        }
        String[] lines = text.toString().split("\n");
        assertThat(lines[lines.length - 1]).contains("\"q99\"");
        int first = Integer.parseInt(lines[0].replaceAll(".*\"queue_id\":\"q(\\d+)\".*", "$1"));
        for (int i = 0; i < lines.length; i++) {
            assertThat(lines[i]).contains("\"queue_id\":\"q" + (first + i) + "\"");
        }
    }

    @Test
    void dailyRotationStartsAFileEachUtcDay(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.jsonl");
        MovingClock clock = new MovingClock(Instant.parse("2026-11-27T23:59:00Z"));
        RotatingFile rotating = new RotatingFile(file, true, 1 << 20, 10, clock);
        rotating.write(TraceJson.line(delivery("q1", "a@example.test")));
        rotating.write(TraceJson.line(delivery("q2", "a@example.test")));
        clock.now = Instant.parse("2026-11-28T00:00:01Z");
        rotating.write(TraceJson.line(delivery("q3", "a@example.test")));
        rotating.close();
        assertThat(RotatingFile.rotated(file)).singleElement().satisfies(old -> {
            assertThat(old.getFileName().toString()).startsWith("t.jsonl.20261128");
            assertThat(Files.readString(old)).contains("q1").contains("q2").doesNotContain("q3");
        });
        assertThat(Files.readString(file)).contains("q3").doesNotContain("q1");
    }

    @Test
    void theWriterThreadWritesEveryLineAndCloseFlushes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("transactions.jsonl");
        AtomicInteger drops = new AtomicInteger();
        TransactionLog log = TransactionLog.start(new TransactionLog.Settings(file, true, 1 << 20, 2, 10_000),
                Clock.systemUTC(), drops::incrementAndGet);
        for (int i = 0; i < 500; i++) {
            log.record(delivery("q" + i, "x@example.test"));
        }
        log.close();
        assertThat(Files.readAllLines(file)).hasSize(500);
        assertThat(drops.get()).isZero();
        assertThat(log.dropped()).isZero();
        log.record(delivery("late", "x@example.test")); // after close: counted, not written
        assertThat(log.dropped()).isEqualTo(1);
        assertThat(drops.get()).isEqualTo(1);
    }

    @Test
    void aFullBufferDropsAndCountsInsteadOfBlocking(@TempDir Path dir) throws Exception {
        // The log file's directory is a file: every write fails, and the buffer of 16 fills up.
        Path blocker = dir.resolve("notadir");
        Files.writeString(blocker, "x");
        AtomicInteger drops = new AtomicInteger();
        TransactionLog log = TransactionLog.start(new TransactionLog.Settings(blocker.resolve("t.jsonl"), false,
                1 << 20, 2, 16), Clock.systemUTC(), drops::incrementAndGet);
        for (int i = 0; i < 10_000; i++) {
            log.record(delivery("q" + i, "x@example.test"));
        }
        log.close();
        assertThat(log.dropped()).isEqualTo(10_000);
        assertThat(drops.get()).isEqualTo(10_000);
    }
}
