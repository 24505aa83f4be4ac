package org.bastionmail.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bastionmail.dsn.DsnSettings;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.bastionmail.queue.FileQueue;
import org.bastionmail.queue.IncomingMessage;
import org.bastionmail.queue.QueueEntry;
import org.bastionmail.queue.RecipientState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BouncesTest {
    static final Instant START = Instant.parse("2026-11-27T08:00:00Z");

    @TempDir
    Path dataDir;

    private QueueEntry queued(FileQueue queue, Optional<MailAddress> sender) throws Exception {
        Envelope envelope = new Envelope(sender, List.of(Envelope.Recipient.of(MailAddress.parse("far@remote.example"))),
                Envelope.BodyType.SEVEN_BIT, false, Optional.empty(), Optional.empty(), false, "127.0.0.1",
                "client.example.test", Optional.of("alice@example.test"), START);
        try (IncomingMessage message = queue.newMessage()) {
            message.content().write("From: alice@example.test\r\nSubject: lost\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8));
            return queue.entry(message.commit(envelope)).orElseThrow();
        }
    }

    @Test
    void aPermanentFailureBouncesToTheSenderWithTheNullSender() throws Exception {
        FileQueue queue = FileQueue.open(dataDir);
        QueueEntry entry = queued(queue, Optional.of(MailAddress.parse("alice@example.test")));
        RecipientState failed = entry.recipients().getFirst().failed("5.1.1 user unknown at mx.remote.example");
        new Bounces(queue, DsnSettings.defaults("mx.example.test"), Duration.ofDays(5), java.time.Clock.systemUTC())
                .accept(new DeliveryReport(entry, List.of(failed), List.of()));

        QueueEntry dsn = queue.entries().stream().filter(e -> !e.id().equals(entry.id())).findFirst().orElseThrow();
        assertThat(dsn.envelope().sender()).isEmpty();
        assertThat(dsn.envelope().recipients()).extracting(Envelope.Recipient::address)
                .containsExactly(MailAddress.parse("alice@example.test"));
        String text = Files.readString(queue.contentFile(dsn.id()));
        assertThat(text).contains("multipart/report").contains("Final-Recipient: rfc822; far@remote.example")
                .contains("Status: 5.1.1").contains("Subject: lost");
    }

    @Test
    void nothingBouncesToTheNullSender() throws Exception {
        FileQueue queue = FileQueue.open(dataDir);
        QueueEntry entry = queued(queue, Optional.empty());
        RecipientState failed = entry.recipients().getFirst().failed("5.1.1 user unknown");
        new Bounces(queue, DsnSettings.defaults("mx.example.test"), Duration.ofDays(5), java.time.Clock.systemUTC())
                .accept(new DeliveryReport(entry, List.of(failed), List.of()));
        assertThat(queue.entries()).hasSize(1);
    }

    @Test
    void aDelayWarningSaysUntilWhenItIsRetried() throws Exception {
        FileQueue queue = FileQueue.open(dataDir);
        QueueEntry entry = queued(queue, Optional.of(MailAddress.parse("alice@example.test")));
        RecipientState delayed = entry.recipients().getFirst().deferred("4.4.1 connection refused", Optional.of(START.plusSeconds(600)))
                .withDelayReported();
        new Bounces(queue, DsnSettings.defaults("mx.example.test"), Duration.ofDays(5), java.time.Clock.systemUTC())
                .accept(new DeliveryReport(entry, List.of(), List.of(delayed)));
        QueueEntry dsn = queue.entries().stream().filter(e -> !e.id().equals(entry.id())).findFirst().orElseThrow();
        assertThat(Files.readString(queue.contentFile(dsn.id()))).contains("Action: delayed").contains("Will-Retry-Until:");
    }
}
