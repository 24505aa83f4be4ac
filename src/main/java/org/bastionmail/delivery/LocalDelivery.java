package org.bastionmail.delivery;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.bastionmail.directory.Directory;
import org.bastionmail.queue.FileQueue;
import org.bastionmail.queue.QueueEntry;
import org.bastionmail.queue.RecipientState;
import org.bastionmail.store.MailboxStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers queued messages to local mailboxes: every message the queue commits, every entry with
 * due recipients at start, and deferred recipients when their retry time comes.
 *
 * <p>Exactly once in the normal case; after a crash between the store's commit and the queue's
 * state update, the store's delivery key ({@code queueId/account}) turns the repeat into a no-op.
 * Each entry is handled by one virtual thread at a time; at most {@code concurrency} entries at once.
 */
public final class LocalDelivery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalDelivery.class);

    /**
     * @param concurrency how many queue entries are delivered at the same time
     * @param clock the time for retry decisions (tests move it instead of sleeping)
     */
    public record Options(int concurrency, RetrySchedule retries, Clock clock, Consumer<DeliveryReport> onReport) {
        public Options {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1");
            }
        }

        /** Options whose final failures are reported nowhere (tests). */
        public Options(int concurrency, RetrySchedule retries, Clock clock) {
            this(concurrency, retries, clock, report -> { });
        }

        public static Options defaults(Consumer<DeliveryReport> onReport) {
            return new Options(32, RetrySchedule.defaults(), Clock.systemUTC(), onReport);
        }
    }

    private final FileQueue queue;
    private final RecipientDelivery delivery;
    private final Options options;
    private final Semaphore permits;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "delivery-retry");
        thread.setDaemon(true);
        return thread;
    });
    /** The entries being worked on, each with a flag that asks for one more pass. */
    private final ConcurrentHashMap<String, AtomicBoolean> active = new ConcurrentHashMap<>();
    private final WorkInFlight inFlight = new WorkInFlight();
    private final AttemptTrace attempts = new AttemptTrace("local");
    /** Entries with recipients deferred because the disk was full. */
    private final java.util.Set<String> storageDeferred = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private LocalDelivery(FileQueue queue, MailboxStore store, Directory directory, Options options) {
        this.queue = queue;
        this.delivery = new RecipientDelivery(store, directory, options.retries());
        this.options = options;
        this.permits = new Semaphore(options.concurrency());
    }

    /** Starts delivering: listens to the queue's commits and picks up what is already queued. */
    public static LocalDelivery start(FileQueue queue, MailboxStore store, Directory directory, Options options)
            throws IOException {
        LocalDelivery local = new LocalDelivery(queue, store, directory, options);
        queue.onCommit(local::committed);
        local.kick();
        return local;
    }

    /** Sends one transaction log line per delivery attempt (delivered, deferred, bounced) to {@code sink}. */
    public void onAttempt(org.bastionmail.tracelog.TraceSink sink) {
        attempts.add(sink);
    }

    /** Looks at every queue entry and delivers what is due now; schedules what is due later. */
    public void kick() throws IOException {
        Instant now = options.clock().instant();
        for (QueueEntry entry : queue.entries()) {
            if (entry.recipients().stream().anyMatch(r -> RecipientDelivery.isDue(r, now))) {
                submit(entry.id());
            } else {
                scheduleRetry(entry);
            }
        }
    }

    /**
     * A new message is durable in the queue, so the disk takes writes again: entries deferred because it
     * was full are retried now rather than at their scheduled time (which could be hours away).
     */
    private void committed(String id) {
        submit(id);
        if (storageDeferred.isEmpty() || closed) {
            return;
        }
        List<String> retry = List.copyOf(storageDeferred);
        retry.forEach(storageDeferred::remove);
        try {
            workers.execute(() -> {
                for (String deferred : retry) {
                    try {
                        queue.makeDue(Optional.of(deferred), options.clock().instant());
                    } catch (IOException e) {
                        LOG.warn("queue {}: cannot make it due again: {}", deferred, e.toString());
                    }
                    submit(deferred);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: the next start picks them up
        }
    }

    /** Queues a delivery pass over entry {@code id}. */
    private void submit(String id) {
        if (closed) {
            return;
        }
        AtomicBoolean again = new AtomicBoolean();
        AtomicBoolean running = active.putIfAbsent(id, again);
        if (running != null) {
            running.set(true);
            return;
        }
        inFlight.started();
        try {
            workers.execute(() -> work(id, again));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            active.remove(id, again);
            finished();
        }
    }

    private void work(String id, AtomicBoolean again) {
        try {
            do {
                again.set(false);
                permits.acquireUninterruptibly();
                try {
                    pass(id);
                } finally {
                    permits.release();
                }
            } while (again.get() && !closed);
        } finally {
            active.remove(id, again);
            // A request that came in after the last check must not be lost.
            if (again.get()) {
                submit(id);
            }
            finished();
        }
    }

    private void finished() {
        inFlight.finished();
    }

    private void pass(String id) {
        try {
            Optional<QueueEntry> entry = queue.entry(id);
            if (entry.isEmpty()) {
                return;
            }
            List<RecipientState> states = delivery.run(entry.get(), queue.contentFile(id), options.clock().instant());
            if (!states.equals(entry.get().recipients())) {
                // Reported first: a message done with leaves the queue, content and all.
                report(entry.get(), states);
                queue.applyChanges(id, entry.get().recipients(), states).ifPresent(this::scheduleRetry);
                attempts.record(id, entry.get().envelope().receivedAt(), entry.get().recipients(), states,
                        options.clock().instant());
                // after the state is written, so that a retry it triggers sees the deferral
                if (states.stream().anyMatch(LocalDelivery::deferredForSpace)) {
                    storageDeferred.add(id);
                }
            }
        } catch (IOException | RuntimeException e) {
            // What was stored stays stored; the retry repeats it as a no-op.
            LOG.error("queue {}: delivery pass failed, will retry", id, e);
            if (org.bastionmail.io.DiskSpace.isFull(e)) {
                storageDeferred.add(id);
            }
            schedule(id, options.retries().delays().isEmpty() ? Duration.ofMinutes(1)
                    : options.retries().delays().getFirst());
        }
    }

    private static boolean deferredForSpace(RecipientState state) {
        return state.status() == RecipientState.Status.DEFERRED
                && state.reason().filter(r -> r.endsWith(RecipientDelivery.STORAGE_FULL)).isPresent();
    }

    /** Recipients this pass failed for good (a user removed since acceptance, a mailbox full for days): DSNs. */
    private void report(QueueEntry before, List<RecipientState> after) {
        List<RecipientState> failed = new java.util.ArrayList<>();
        for (int i = 0; i < after.size(); i++) {
            boolean wasOpen = i >= before.recipients().size() || before.recipients().get(i).status().open();
            if (wasOpen && after.get(i).status() == RecipientState.Status.FAILED) {
                failed.add(after.get(i));
            }
        }
        if (!failed.isEmpty()) {
            options.onReport().accept(new DeliveryReport(before, failed, List.of()));
        }
    }

    private void scheduleRetry(QueueEntry entry) {
        entry.recipients().stream()
                .filter(r -> r.status() == RecipientState.Status.DEFERRED)
                .flatMap(r -> r.nextAttempt().stream())
                .min(Instant::compareTo)
                .ifPresent(at -> schedule(entry.id(), Duration.between(options.clock().instant(), at)));
    }

    private void schedule(String id, Duration delay) {
        if (closed) {
            return;
        }
        long millis = Math.max(0, delay.toMillis());
        try {
            timer.schedule(() -> submit(id), millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closing; the next start picks the entry up.
        }
    }

    /** Waits until no delivery pass is running or queued; retries scheduled for later do not count. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return inFlight.awaitNone(timeout);
    }

    /** Stops taking work and waits for running passes to finish; queued state stays on disk. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        workers.close();
    }
}
