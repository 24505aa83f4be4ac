package org.bastionmail.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.bastionmail.queue.FileQueue;
import org.bastionmail.queue.IncomingMessage;
import org.bastionmail.queue.QueueRequests;
import org.bastionmail.queue.RecipientState;
import org.bastionmail.queue.RecipientState.Status;
import org.bastionmail.store.MailboxStore;
import org.bastionmail.store.SqliteMailboxStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.bastionmail.net.HandClock;

/** The remote scheduler with a scripted transport (a fake is fine here: the SMTP client has its own tests). */
class RemoteDeliveryTest {
    static final byte[] CONTENT = "From: alice@example.test\r\nSubject: out\r\n\r\nhello\r\n".getBytes(StandardCharsets.UTF_8);
    static final Instant START = Instant.parse("2026-11-27T08:00:00Z");

    @TempDir
    Path dataDir;
    final FakeDirectory directory = new FakeDirectory("example.test").user("bob@example.test");
    final HandClock clock = new HandClock(START);
    final List<DeliveryReport> finished = new CopyOnWriteArrayList<>();
    final ScriptedTransport transport = new ScriptedTransport();
    MailboxStore store;
    FileQueue queue;
    LocalDelivery local;
    RemoteDelivery remote;

    /** Answers each recipient by the local part: ok..., temp..., perm...; records every call. */
    static final class ScriptedTransport implements OutboundTransport {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public Map<Key, Outcome> deliver(String domain, List<Message> messages) {
            calls.add(domain + ":" + messages.stream().map(m -> m.queueId() + m.recipients()).toList());
            Map<Key, Outcome> outcomes = new HashMap<>();
            for (Message m : messages) {
                assertThat(m.content()).exists();
                for (MailAddress r : m.recipients()) {
                    Outcome outcome = r.localPart().startsWith("ok") ? new Outcome.Delivered("250 2.0.0 queued on mx." + domain)
                            : r.localPart().startsWith("perm") ? new Outcome.PermFailed("5.1.1 user unknown at mx." + domain)
                            : r.localPart().startsWith("silent") ? null
                            : new Outcome.TempFailed("4.4.1 connection refused by mx." + domain);
                    if (outcome != null) {
                        outcomes.put(new Key(m.queueId(), r), outcome);
                    }
                }
            }
            return outcomes;
        }
    }

    @BeforeEach
    void open() throws IOException {
        store = SqliteMailboxStore.open(dataDir);
        queue = FileQueue.open(dataDir);
        local = LocalDelivery.start(queue, store, directory, new LocalDelivery.Options(2, RetrySchedule.defaults(), clock));
        remote = RemoteDelivery.start(queue, directory, transport, new RemoteDelivery.Options(4, 1, Duration.ofMinutes(5),
                Duration.ofHours(4), Duration.ofDays(5), Duration.ofHours(4), Duration.ofHours(1), clock, finished::add), new QueueRequests(dataDir));
    }

    @AfterEach
    void close() throws IOException {
        remote.close();
        local.close();
        store.close();
    }

    private String send(String... recipients) throws Exception {
        List<Envelope.Recipient> rcpts = Stream.of(recipients).map(MailAddress::parse).map(Envelope.Recipient::of).toList();
        Envelope envelope = new Envelope(Optional.of(MailAddress.parse("alice@example.test")), rcpts,
                Envelope.BodyType.EIGHT_BIT_MIME, false, Optional.empty(), Optional.empty(), false, "127.0.0.1",
                "client.example.test", Optional.of("alice@example.test"), clock.instant());
        try (IncomingMessage message = queue.newMessage()) {
            message.content().write(CONTENT);
            String id = message.commit(envelope);
            assertThat(local.awaitIdle(Duration.ofSeconds(10))).isTrue();
            return id;
        }
    }

    private void scan() throws Exception {
        remote.scan();
        assertThat(remote.awaitIdle(Duration.ofSeconds(10))).isTrue();
    }

    private RecipientState state(String id, String address) throws IOException {
        return queue.entry(id).orElseThrow().recipients().stream()
                .filter(r -> r.recipient().address().equals(MailAddress.parse(address))).findFirst().orElseThrow();
    }

    @Test
    void recipientsOfOneDomainGoInOneDeliveryAndLocalOnesAreNotTouched() throws Exception {
        String first = send("ok1@far.example", "ok2@far.example", "bob@example.test", "ok@other.example");
        String second = send("ok3@far.example");
        scan();
        assertThat(transport.calls).hasSize(2);
        assertThat(transport.calls).anyMatch(c -> c.startsWith("far.example:") && c.contains(first) && c.contains(second));
        assertThat(queue.entry(first)).isEmpty(); // everyone delivered: the entry is gone
        assertThat(queue.entry(second)).isEmpty();
        assertThat(finished).hasSize(3).allMatch(r -> r.delayed().isEmpty());
        assertThat(store.messages("bob@example.test", "INBOX")).hasSize(1);
    }

    @Test
    void temporaryFailuresBackOffExponentiallyThenBounceAfterTheGiveUpTime() throws Exception {
        String id = send("temp@far.example", "ok@far.example");
        scan();
        RecipientState deferred = state(id, "temp@far.example");
        assertThat(deferred.status()).isEqualTo(Status.DEFERRED);
        assertThat(deferred.reason()).contains("4.4.1 connection refused by mx.far.example");
        assertThat(deferred.nextAttempt()).contains(START.plus(Duration.ofMinutes(5)));

        scan(); // not due yet: nothing is sent
        assertThat(transport.calls).hasSize(1);

        clock.advance(Duration.ofMinutes(5));
        scan();
        assertThat(state(id, "temp@far.example").nextAttempt()).contains(clock.instant().plus(Duration.ofMinutes(10)));

        clock.advance(Duration.ofDays(5).minus(Duration.ofMinutes(5)));
        scan();
        assertThat(queue.entry(id)).isEmpty();
        assertThat(finished).last().satisfies(f -> assertThat(f.finished()).singleElement()
                .satisfies(r -> {
                    assertThat(r.status()).isEqualTo(Status.FAILED);
                    assertThat(r.reason()).hasValueSatisfying(reason -> assertThat(reason).startsWith("5.4.7 gave up after 5 days"));
                }));
    }

    @Test
    void aDelayPastTheWarningTimeIsReportedOnce() throws Exception {
        String id = send("temp@far.example");
        scan();
        assertThat(finished).isEmpty();
        clock.advance(Duration.ofHours(4));
        scan();
        assertThat(finished).singleElement().satisfies(r -> {
            assertThat(r.finished()).isEmpty();
            assertThat(r.delayed()).singleElement().satisfies(d -> assertThat(d.delayReported()).isTrue());
        });
        assertThat(state(id, "temp@far.example").delayReported()).isTrue();
        clock.advance(Duration.ofHours(4));
        scan();
        assertThat(finished).hasSize(1);
    }

    @Test
    void permanentFailuresAreFinalAndReported() throws Exception {
        String id = send("perm@far.example", "temp@far.example");
        scan();
        assertThat(state(id, "perm@far.example").status()).isEqualTo(Status.FAILED);
        assertThat(finished).singleElement().satisfies(f -> {
            assertThat(f.entry().id()).isEqualTo(id);
            assertThat(f.finished()).extracting(r -> r.recipient().address().localPart()).containsExactly("perm");
        });
    }

    @Test
    void aMissingOutcomeIsATemporaryFailure() throws Exception {
        String id = send("silent@far.example");
        scan();
        assertThat(state(id, "silent@far.example").status()).isEqualTo(Status.DEFERRED);
        assertThat(state(id, "silent@far.example").reason()).contains("4.4.1 no outcome from the transport");
    }

    @Test
    void remoteStateSurvivesARestartAndIsNotResentEarly() throws Exception {
        String id = send("temp@far.example");
        scan();
        remote.close();
        queue = FileQueue.open(dataDir);
        remote = RemoteDelivery.start(queue, directory, transport, new RemoteDelivery.Options(4, 1, Duration.ofMinutes(5),
                Duration.ofHours(4), Duration.ofDays(5), Duration.ofHours(4), Duration.ofHours(1), clock, finished::add), new QueueRequests(dataDir));
        scan();
        assertThat(transport.calls).hasSize(1);
        assertThat(state(id, "temp@far.example").attempts()).isEqualTo(1);
        assertThat(Files.exists(queue.contentFile(id))).isTrue();
    }

    @Test
    void administratorRequestsRetryAndDelete() throws Exception {
        String id = send("temp@far.example");
        String other = send("temp2@far.example");
        scan();
        assertThat(transport.calls).hasSize(1);
        QueueRequests requests = new QueueRequests(dataDir);
        requests.submit(new QueueRequests.Request.Retry(id));
        remote.apply(requests.take());
        remote.awaitIdle(Duration.ofSeconds(10));
        assertThat(transport.calls).hasSize(2);
        assertThat(transport.calls.get(1)).contains(id).doesNotContain(other);
        assertThat(state(id, "temp@far.example").attempts()).isEqualTo(2);

        requests.submit(new QueueRequests.Request.Delete(other));
        requests.submit(new QueueRequests.Request.Flush());
        remote.apply(requests.take());
        remote.awaitIdle(Duration.ofSeconds(10));
        assertThat(queue.entry(other)).isEmpty();
        assertThat(requests.take()).isEmpty();
    }

    @Test
    void aStopInTheMiddleOfADeliveryRunLosesNothingAndSendsNothingTwice() throws Exception {
        java.util.concurrent.CountDownLatch inFlight = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<String> sent = new CopyOnWriteArrayList<>();
        OutboundTransport slow = (domain, messages) -> {
            inFlight.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Map<OutboundTransport.Key, OutboundTransport.Outcome> outcomes = new HashMap<>();
            messages.forEach(m -> m.recipients().forEach(r -> {
                sent.add(m.queueId() + r);
                outcomes.put(new OutboundTransport.Key(m.queueId(), r), new OutboundTransport.Outcome.Delivered("250 ok"));
            }));
            return outcomes;
        };
        remote.close();
        remote = RemoteDelivery.start(queue, directory, slow, new RemoteDelivery.Options(4, 1, Duration.ofMinutes(5),
                Duration.ofHours(4), Duration.ofDays(5), Duration.ofHours(4), Duration.ofHours(1), clock, finished::add),
                new QueueRequests(dataDir));
        String id = send("ok@far.example");
        remote.scan();
        assertThat(inFlight.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // The server stops while the remote server is still answering: the stop waits for the run to record.
        Thread stopper = Thread.ofVirtual().start(remote::close);
        release.countDown();
        stopper.join(Duration.ofSeconds(20));
        assertThat(queue.entry(id)).as("delivered and recorded before the stop finished").isEmpty();

        remote = RemoteDelivery.start(FileQueue.open(dataDir), directory, slow, new RemoteDelivery.Options(4, 1,
                Duration.ofMinutes(5), Duration.ofHours(4), Duration.ofDays(5), Duration.ofHours(4), Duration.ofHours(1),
                clock, finished::add), new QueueRequests(dataDir));
        remote.scan();
        remote.awaitIdle(Duration.ofSeconds(10));
        assertThat(sent).containsExactly(id + "ok@far.example");
    }

    @Test
    void backoffDoublesAndIsCapped() {
        assertThat(List.of(0, 1, 2, 3, 10).stream().map(remote::backoff).toList()).containsExactly(
                Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(40), Duration.ofHours(4));
    }

    @Test
    void localDeliveryDoesNotUndoRemoteState() throws Exception {
        String id = send("temp@far.example", "bob@example.test");
        scan();
        RecipientState afterRemote = state(id, "temp@far.example");
        local.kick();
        local.awaitIdle(Duration.ofSeconds(10));
        assertThat(state(id, "temp@far.example")).isEqualTo(afterRemote);
        assertThat(new ArrayList<>(transport.calls)).hasSize(1);
    }
}
