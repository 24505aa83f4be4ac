package org.bastionmail.delivery;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bastionmail.directory.Directory;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.FileQueue;
import org.bastionmail.queue.QueueEntry;
import org.bastionmail.queue.QueueRequests;
import org.bastionmail.queue.RecipientState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers queued mail for other domains: finds the remote recipients that are due, groups them per
 * destination domain (one connection carries all recipients of a domain, several messages per
 * connection), limits concurrency per destination and in total, and turns every outcome into queue
 * state: delivered, failed, or deferred with exponential backoff until the give-up time (RFC 5321
 * 4.5.4.1). Recipients that end failed or delivered, and those delayed past the warning time, are
 * reported to {@link Options#onReport} (DSNs).
 */
public final class RemoteDelivery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteDelivery.class);

    /**
     * @param maxConnections deliveries running at once, in total
     * @param perDestination deliveries to one domain at once
     * @param firstRetry the first backoff; each further one doubles, up to {@code maxRetry}
     * @param maxRetry the longest backoff
     * @param giveUpAfter how long after arrival a message is bounced (RFC 5321 4.5.4.1: 4-5 days)
     * @param delayWarningAfter how long after arrival the sender is told once that delivery is delayed
     * @param scanInterval how often the queue is looked at for due recipients
     * @param clock the clock of retries
     * @param onReport told about recipients that reached a final state or were first delayed past the warning
     */
    public record Options(int maxConnections, int perDestination, Duration firstRetry, Duration maxRetry,
            Duration giveUpAfter, Duration delayWarningAfter, Duration scanInterval, Clock clock, Consumer<DeliveryReport> onReport) {
        public static Options defaults(Consumer<DeliveryReport> onReport) {
            return new Options(20, 2, Duration.ofMinutes(5), Duration.ofHours(4), Duration.ofDays(5), Duration.ofHours(4),
                    Duration.ofSeconds(30), Clock.systemUTC(), onReport);
        }
    }


    private final FileQueue queue;
    private final Directory directory;
    private final OutboundTransport transport;
    private final Options options;
    private final Semaphore connections;
    private final Map<String, Semaphore> destinations = new ConcurrentHashMap<>();
    private final Set<OutboundTransport.Key> inFlight = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("remote-delivery-timer").daemon(true).factory());
    private final WorkInFlight work = new WorkInFlight();
    private final AttemptTrace attempts = new AttemptTrace("remote");
    private volatile boolean closed;

    private RemoteDelivery(FileQueue queue, Directory directory, OutboundTransport transport, Options options) {
        this.queue = queue;
        this.directory = directory;
        this.transport = transport;
        this.options = options;
        this.connections = new Semaphore(options.maxConnections());
    }

    /**
     * Starts scanning the queue every {@link Options#scanInterval()}, and once right away, and carries out
     * the administrator's requests ({@code bastion queue retry|delete|flush}) every second.
     */
    public static RemoteDelivery start(FileQueue queue, Directory directory, OutboundTransport transport, Options options,
            QueueRequests requests) {
        RemoteDelivery remote = new RemoteDelivery(queue, directory, transport, options);
        long every = Math.max(1, options.scanInterval().toMillis());
        remote.timer.scheduleWithFixedDelay(remote::scanQuietly, 0, every, TimeUnit.MILLISECONDS);
        remote.timer.scheduleWithFixedDelay(() -> remote.applyQuietly(requests), 1, 1, TimeUnit.SECONDS);
        return remote;
    }

    /** Sends one transaction log line per delivery attempt (delivered, deferred, bounced) to {@code sink}. */
    public void onAttempt(org.bastionmail.tracelog.TraceSink sink) {
        attempts.add(sink);
    }

    private void applyQuietly(QueueRequests requests) {
        try {
            apply(requests.take());
        } catch (IOException | RuntimeException e) {
            LOG.error("queue requests could not be carried out", e);
        }
    }

    /** Carries out administrator requests. */
    public void apply(List<QueueRequests.Request> requests) throws IOException {
        boolean scan = false;
        for (QueueRequests.Request request : requests) {
            Instant now = options.clock().instant();
            switch (request) {
                case QueueRequests.Request.Retry r -> {
                    LOG.info("queue {}: retry requested, {} recipient(s) due now", r.id(), queue.makeDue(Optional.of(r.id()), now));
                    scan = true;
                }
                case QueueRequests.Request.Flush f -> {
                    LOG.info("queue flush requested: {} recipient(s) due now", queue.makeDue(Optional.empty(), now));
                    scan = true;
                }
                case QueueRequests.Request.Delete d ->
                        LOG.info("queue {}: {}", d.id(), queue.delete(d.id()) ? "deleted on request" : "not in the queue");
            }
        }
        if (scan) {
            scan();
        }
    }

    private void scanQuietly() {
        try {
            scan();
        } catch (IOException | RuntimeException e) {
            LOG.error("remote delivery: scanning the queue failed", e);
        }
    }

    /** Starts a delivery for every destination that has due recipients not already in flight. */
    public void scan() throws IOException {
        if (closed) {
            return;
        }
        Instant now = options.clock().instant();
        Map<String, List<OutboundTransport.Message>> byDomain = new LinkedHashMap<>();
        for (QueueEntry entry : queue.entries()) {
            Map<String, List<MailAddress>> due = new LinkedHashMap<>();
            for (RecipientState state : entry.recipients()) {
                MailAddress address = state.recipient().address();
                OutboundTransport.Key key = new OutboundTransport.Key(entry.id(), address);
                if (isDue(state, now) && isRemote(address) && !inFlight.contains(key)) {
                    due.computeIfAbsent(address.domain(), d -> new ArrayList<>()).add(address);
                }
            }
            due.forEach((domain, recipients) -> byDomain.computeIfAbsent(domain, d -> new ArrayList<>())
                    .add(new OutboundTransport.Message(entry.id(), entry.envelope(), queue.contentFile(entry.id()), recipients)));
        }
        byDomain.forEach(this::startDelivery);
    }

    /** Remote recipients are the ones local delivery handed over: deferred, due when their retry time came. */
    static boolean isDue(RecipientState state, Instant now) {
        return state.status() == RecipientState.Status.DEFERRED
                && state.nextAttempt().map(at -> !at.isAfter(now)).orElse(true);
    }

    private boolean isRemote(MailAddress address) {
        try {
            return directory.resolve(address) instanceof Directory.Resolution.NotLocal;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void startDelivery(String domain, List<OutboundTransport.Message> messages) {
        Semaphore destination = destinations.computeIfAbsent(domain.toLowerCase(Locale.ROOT),
                d -> new Semaphore(options.perDestination()));
        if (!destination.tryAcquire()) {
            return; // the running deliveries to this domain are enough; the next scan comes back
        }
        List<OutboundTransport.Key> keys = new ArrayList<>();
        messages.forEach(m -> m.recipients().forEach(r -> keys.add(new OutboundTransport.Key(m.queueId(), r))));
        inFlight.addAll(keys);
        work.started();
        try {
            workers.execute(() -> {
                try {
                    connections.acquireUninterruptibly();
                    try {
                        deliver(domain, messages);
                    } finally {
                        connections.release();
                    }
                } finally {
                    keys.forEach(inFlight::remove);
                    destination.release();
                    work.finished();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            keys.forEach(inFlight::remove);
            destination.release();
            work.finished();
        }
    }

    private void deliver(String domain, List<OutboundTransport.Message> messages) {
        Map<OutboundTransport.Key, OutboundTransport.Outcome> outcomes;
        try {
            outcomes = transport.deliver(domain, messages);
        } catch (RuntimeException e) {
            LOG.error("remote delivery to {} failed unexpectedly", domain, e);
            outcomes = Map.of();
        }
        for (OutboundTransport.Message message : messages) {
            try {
                record(message, outcomes);
            } catch (IOException | RuntimeException e) {
                LOG.error("queue {}: cannot record the outcome of remote delivery", message.queueId(), e);
            }
        }
    }

    private void record(OutboundTransport.Message message, Map<OutboundTransport.Key, OutboundTransport.Outcome> outcomes)
            throws IOException {
        Optional<QueueEntry> entry = queue.entry(message.queueId());
        if (entry.isEmpty()) {
            return;
        }
        Instant now = options.clock().instant();
        List<RecipientState> before = entry.get().recipients();
        List<RecipientState> after = new ArrayList<>(before);
        List<RecipientState> finished = new ArrayList<>();
        List<RecipientState> delayed = new ArrayList<>();
        Instant warnAt = entry.get().envelope().receivedAt().plus(options.delayWarningAfter());
        for (int i = 0; i < after.size(); i++) {
            RecipientState state = after.get(i);
            if (!message.recipients().contains(state.recipient().address()) || !state.status().open()) {
                continue;
            }
            OutboundTransport.Outcome outcome = outcomes.getOrDefault(
                    new OutboundTransport.Key(message.queueId(), state.recipient().address()),
                    new OutboundTransport.Outcome.TempFailed("4.4.1 no outcome from the transport"));
            RecipientState next = next(entry.get(), state, outcome, now);
            if (next.status() == RecipientState.Status.DEFERRED && !next.delayReported() && !now.isBefore(warnAt)) {
                next = next.withDelayReported();
                delayed.add(next);
            }
            after.set(i, next);
            if (!next.status().open()) {
                finished.add(next);
            }
            LOG.info("queue {}: {} -> {} {}", message.queueId(), state.recipient().address(), next.status(),
                    next.reason().orElse(""));
        }
        // Reported before the state is recorded: a finished message leaves the queue with its content. A crash
        // in between repeats the attempt and the report, never loses it.
        if (!finished.isEmpty() || !delayed.isEmpty()) {
            options.onReport().accept(new DeliveryReport(entry.get(), finished, delayed));
        }
        queue.applyChanges(message.queueId(), before, after);
        attempts.record(message.queueId(), entry.get().envelope().receivedAt(), before, after, now);
    }

    /** The recipient's state after {@code outcome}: final, or deferred with backoff until the give-up time. */
    RecipientState next(QueueEntry entry, RecipientState state, OutboundTransport.Outcome outcome, Instant now) {
        return switch (outcome) {
            case OutboundTransport.Outcome.Delivered d -> state.delivered("2.0.0 " + d.detail());
            case OutboundTransport.Outcome.PermFailed f -> state.failed(f.reason());
            case OutboundTransport.Outcome.TempFailed t -> {
                Instant giveUp = entry.envelope().receivedAt().plus(options.giveUpAfter());
                if (!now.isBefore(giveUp)) {
                    // RFC 3463 4.4.7: delivery time expired
                    yield state.failed("5.4.7 gave up after " + options.giveUpAfter().toDays() + " days: " + t.reason());
                }
                Instant retry = now.plus(backoff(state.attempts()));
                yield state.deferred(t.reason(), Optional.of(retry.isAfter(giveUp) ? giveUp : retry));
            }
        };
    }

    /** Exponential backoff: firstRetry, twice that, ... capped at maxRetry. */
    Duration backoff(int attemptsSoFar) {
        Duration delay = options.firstRetry();
        for (int i = 0; i < attemptsSoFar && delay.compareTo(options.maxRetry()) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(options.maxRetry()) > 0 ? options.maxRetry() : delay;
    }

    /** Waits until no delivery runs (tests); deliveries due later do not count. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return work.awaitNone(timeout);
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
