package org.bastionmail.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.bastionmail.queue.FileQueue;
import org.bastionmail.queue.IncomingMessage;
import org.bastionmail.queue.QueueEntry;
import org.bastionmail.queue.RecipientState;
import org.bastionmail.queue.RecipientState.Status;
import org.bastionmail.store.DeliveryOutcome;
import org.bastionmail.store.MailboxStore;
import org.bastionmail.store.SqliteMailboxStore;
import org.bastionmail.store.StoredMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.bastionmail.net.HandClock;

class LocalDeliveryTest {
    static final String BOB = "bob@example.test";
    static final String CAROL = "carol@example.test";
    static final byte[] CONTENT = "From: a@example.org\r\nSubject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.UTF_8);
    static final Instant START = Instant.parse("2026-11-27T08:00:00Z");

    @TempDir
    Path dataDir;

    final FakeDirectory directory = new FakeDirectory("example.test").user(BOB).user(CAROL);
    final HandClock clock = new HandClock(START);
    MailboxStore store;
    FileQueue queue;
    LocalDelivery delivery;

    @BeforeEach
    void open() throws IOException {
        store = SqliteMailboxStore.open(dataDir);
        queue = FileQueue.open(dataDir);
    }

    @AfterEach
    void close() throws IOException {
        if (delivery != null) {
            delivery.close();
        }
        store.close();
    }

    private LocalDelivery start(RetrySchedule retries) throws IOException {
        delivery = LocalDelivery.start(queue, store, directory, new LocalDelivery.Options(2, retries, clock));
        return delivery;
    }

    private LocalDelivery start() throws IOException {
        return start(RetrySchedule.defaults());
    }

    private String send(String... recipients) throws IOException {
        return send(envelope -> envelope, recipients);
    }

    private String send(java.util.function.UnaryOperator<Envelope> change, String... recipients) throws IOException {
        List<Envelope.Recipient> rcpts = Stream.of(recipients).map(MailAddress::parse).map(Envelope.Recipient::of).toList();
        Envelope envelope = new Envelope(Optional.of(MailAddress.parse("a@example.org")), rcpts,
                Envelope.BodyType.EIGHT_BIT_MIME, false, Optional.empty(), Optional.empty(), false, "192.0.2.1",
                "client.example.org", Optional.empty(), START.minusSeconds(1));
        try (IncomingMessage message = queue.newMessage()) {
            message.content().write(CONTENT);
            return message.commit(change.apply(envelope));
        }
    }

    private void awaitIdle() throws InterruptedException {
        assertThat(delivery.awaitIdle(Duration.ofSeconds(20))).as("delivery became idle").isTrue();
    }

    private List<StoredMessage> inbox(String account) throws IOException {
        return store.messages(account, "INBOX");
    }

    private RecipientState state(String id, String address) throws IOException {
        return queue.entry(id).orElseThrow().recipients().stream()
                .filter(r -> r.recipient().address().equals(MailAddress.parse(address)))
                .findFirst().orElseThrow();
    }

    @Test
    void deliversEachRecipientOnceAndEmptiesTheQueue() throws Exception {
        start();
        String id = send(BOB, CAROL);
        awaitIdle();

        assertThat(inbox(BOB)).singleElement().satisfies(m -> {
            assertThat(m.size()).isEqualTo(CONTENT.length);
            assertThat(m.internalDate()).isEqualTo(START.minusSeconds(1));
        });
        assertThat(inbox(CAROL)).hasSize(1);
        try (InputStream in = store.openContent(BOB, "INBOX", inbox(BOB).getFirst().uid()).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(CONTENT);
        }
        assertThat(queue.entry(id)).isEmpty();
        assertThat(queue.entries()).isEmpty();
    }

    @Test
    void headersAddedByTheChecksComeFirstAndJunkGoesToJunk() throws Exception {
        start();
        send(envelope -> envelope.withChecks("Authentication-Results: mx.example.test; dmarc=fail\r\n", true), BOB);
        awaitIdle();

        assertThat(inbox(BOB)).isEmpty();
        List<StoredMessage> junk = store.messages(BOB, "Junk");
        assertThat(junk).hasSize(1);
        try (InputStream in = store.openContent(BOB, "Junk", junk.getFirst().uid()).orElseThrow()) {
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(text).isEqualTo("Authentication-Results: mx.example.test; dmarc=fail\r\n"
                    + new String(CONTENT, java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(junk.getFirst().size()).isGreaterThan(CONTENT.length);
    }

    @Test
    void twoRecipientsOfOneAccountGetOneCopy() throws Exception {
        directory.alias("b.alias@example.test", List.of(BOB), List.of());
        start();
        send(BOB, "b.alias@example.test", "BOB@example.test");
        awaitIdle();

        assertThat(inbox(BOB)).hasSize(1);
        assertThat(queue.entries()).isEmpty();
    }

    @Test
    void messagesQueuedBeforeStartAreDelivered() throws Exception {
        send(BOB);
        send(CAROL);
        start();
        awaitIdle();

        assertThat(inbox(BOB)).hasSize(1);
        assertThat(inbox(CAROL)).hasSize(1);
        assertThat(queue.entries()).isEmpty();
    }

    @Test
    void aCrashAfterStoringButBeforeTheQueueUpdateDoesNotDuplicate() throws Exception {
        String id = send(BOB, CAROL);
        // The crash: bob's copy was committed to the store, the queue still says pending.
        store.ensureAccount(BOB);
        assertThat(store.deliver(BOB, "INBOX", id + "/" + BOB, queue.contentFile(id), START, Long.MAX_VALUE))
                .isInstanceOf(DeliveryOutcome.Stored.class);
        queue = FileQueue.open(dataDir);
        assertThat(state(id, BOB).status()).isEqualTo(Status.PENDING);

        start();
        awaitIdle();

        assertThat(inbox(BOB)).hasSize(1);
        assertThat(inbox(CAROL)).hasSize(1);
        assertThat(queue.entries()).isEmpty();
    }

    @Test
    void aUserDeletedSinceAcceptanceFails() throws Exception {
        start();
        String id = send("gone@example.test", "far@remote.example");
        awaitIdle();

        RecipientState gone = state(id, "gone@example.test");
        assertThat(gone.status()).isEqualTo(Status.FAILED);
        assertThat(gone.reason()).hasValueSatisfying(r -> assertThat(r).startsWith("5.1.1"));
    }

    @Test
    void remoteRecipientsWaitForOutboundDeliveryAcrossRestarts() throws Exception {
        start();
        String id = send(BOB, "far@remote.example");
        awaitIdle();

        RecipientState far = state(id, "far@remote.example");
        assertThat(far.status()).isEqualTo(Status.DEFERRED);
        assertThat(far.reason()).contains(RecipientDelivery.QUEUED_FOR_REMOTE);
        assertThat(far.attempts()).as("handing over is not an attempt").isZero();
        assertThat(far.nextAttempt()).isEmpty();
        assertThat(state(id, BOB).status()).isEqualTo(Status.DELIVERED);

        delivery.close();
        queue = FileQueue.open(dataDir);
        start();
        awaitIdle();
        assertThat(state(id, "far@remote.example")).isEqualTo(far);
        assertThat(inbox(BOB)).hasSize(1);
    }

    @Test
    void aFullMailboxDefersAndARetryDeliversOnceThereIsRoom() throws Exception {
        directory.quotas.put(BOB, 10L);
        start();
        String id = send(BOB, CAROL);
        awaitIdle();

        RecipientState bob = state(id, BOB);
        assertThat(bob.status()).isEqualTo(Status.DEFERRED);
        assertThat(bob.reason()).hasValueSatisfying(r -> assertThat(r).startsWith("4.2.2 mailbox full"));
        assertThat(bob.nextAttempt()).contains(START.plus(Duration.ofMinutes(5)));
        assertThat(inbox(BOB)).isEmpty();
        assertThat(inbox(CAROL)).hasSize(1);

        // Not due yet: nothing changes.
        delivery.kick();
        awaitIdle();
        assertThat(state(id, BOB)).isEqualTo(bob);

        directory.quotas.put(BOB, 1_000_000L);
        clock.advance(Duration.ofMinutes(5));
        delivery.kick();
        awaitIdle();
        assertThat(inbox(BOB)).hasSize(1);
        assertThat(inbox(CAROL)).hasSize(1);
        assertThat(queue.entries()).isEmpty();
    }

    @Test
    void aMailboxThatStaysFullFailsAfterTheLastRetry() throws Exception {
        directory.quotas.put(BOB, 10L);
        start(new RetrySchedule(List.of(Duration.ofMinutes(1), Duration.ofMinutes(2))));
        String id = send(BOB, "far@remote.example");
        awaitIdle();
        clock.advance(Duration.ofMinutes(1));
        delivery.kick();
        awaitIdle();
        assertThat(state(id, BOB).status()).isEqualTo(Status.DEFERRED);
        assertThat(state(id, BOB).nextAttempt()).contains(START.plus(Duration.ofMinutes(3)));

        clock.advance(Duration.ofMinutes(2));
        delivery.kick();
        awaitIdle();
        RecipientState bob = state(id, BOB);
        assertThat(bob.status()).isEqualTo(Status.FAILED);
        assertThat(bob.attempts()).isEqualTo(3);
        assertThat(bob.reason()).hasValueSatisfying(r -> assertThat(r).startsWith("5.2.2 mailbox full"));
        assertThat(inbox(BOB)).isEmpty();
    }

    @Test
    void aDirectoryFailureDefers() throws Exception {
        directory.brokenAccounts.add(BOB);
        start();
        String id = send(BOB);
        awaitIdle();

        RecipientState bob = state(id, BOB);
        assertThat(bob.status()).isEqualTo(Status.DEFERRED);
        assertThat(bob.reason()).hasValueSatisfying(r -> assertThat(r).startsWith("4.3.0"));
        assertThat(bob.nextAttempt()).isPresent();

        directory.brokenAccounts.clear();
        clock.advance(Duration.ofHours(1));
        delivery.kick();
        awaitIdle();
        assertThat(inbox(BOB)).hasSize(1);
        assertThat(queue.entries()).isEmpty();
    }

    @Test
    void forwardsBecomeRecipientsOfTheSameMessage() throws Exception {
        directory.alias("team@example.test", List.of(BOB), List.of("far@remote.example", CAROL));
        start();
        String id = send("team@example.test");
        awaitIdle();

        assertThat(inbox(BOB)).hasSize(1);
        assertThat(inbox(CAROL)).hasSize(1);
        QueueEntry entry = queue.entry(id).orElseThrow();
        RecipientState far = state(id, "far@remote.example");
        assertThat(far.status()).isEqualTo(Status.DEFERRED);
        assertThat(far.forwardedFrom()).contains(MailAddress.parse("team@example.test"));
        assertThat(entry.recipients()).extracting(RecipientState::status)
                .containsExactly(Status.DELIVERED, Status.DEFERRED, Status.DELIVERED);
    }

    @Test
    void forwardingLoopsEnd() throws Exception {
        directory.alias("a@example.test", List.of(), List.of("b@example.test"));
        directory.alias("b@example.test", List.of(), List.of("a@example.test", BOB));
        start();
        send("a@example.test");
        awaitIdle();

        assertThat(inbox(BOB)).hasSize(1);
        assertThat(queue.entries()).isEmpty();
    }

    @Test
    void manyMessagesAreEachDeliveredExactlyOnce() throws Exception {
        start();
        for (int i = 0; i < 25; i++) {
            send(BOB, CAROL);
        }
        awaitIdle();

        assertThat(inbox(BOB)).hasSize(25);
        assertThat(inbox(CAROL)).hasSize(25);
        assertThat(queue.entries()).isEmpty();
    }
}
