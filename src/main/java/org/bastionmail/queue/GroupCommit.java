package org.bastionmail.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import org.bastionmail.io.DurableFiles;

/**
 * Makes the new names in {@code messages/} and {@code envelopes/} durable for many sessions at once: one
 * fsync of each directory, at the same time, for every session that asked meanwhile. A session renames
 * its files into place first, then asks ({@link #request}), then fsyncs its own two files while the
 * directories are synced: the 250 waits for one disk wait, not two in series. Every fsync of a batch starts
 * after every rename of the sessions in it, because a session asks only after its renames.
 */
final class GroupCommit {
    /** A bound on one batch, so that a long burst still gets its replies in steps. */
    private static final int MAX_BATCH = 256;

    private final Path messagesDir;
    private final Path envelopesDir;
    private final LinkedBlockingQueue<CompletableFuture<Void>> waiting = new LinkedBlockingQueue<>();
    /** Fsyncs {@code envelopes/} while the committer fsyncs {@code messages/}. */
    private final ExecutorService syncThread = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "queue-commit-sync");
        thread.setDaemon(true);
        return thread;
    });

    GroupCommit(Path messagesDir, Path envelopesDir) {
        this.messagesDir = messagesDir;
        this.envelopesDir = envelopesDir;
        Thread.ofPlatform().name("queue-commit").daemon(true).start(this::run);
    }

    /**
     * Asks for both directories to be fsync'd after this call; the future completes when they were, or
     * fails. The caller's renames must be done before it asks.
     */
    CompletableFuture<Void> request() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        waiting.add(done);
        return done;
    }

    /** Waits for a {@link #request}; throws what the fsync threw. */
    static void await(CompletableFuture<Void> done) throws IOException {
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // The names may still become durable: the caller must not acknowledge, and removes its files.
            throw new IOException("interrupted while committing to the queue", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("queue commit failed", e.getCause());
        }
    }

    private void run() {
        List<CompletableFuture<Void>> batch = new ArrayList<>();
        while (true) {
            batch.clear();
            try {
                batch.add(waiting.take());
            } catch (InterruptedException e) {
                return;
            }
            waiting.drainTo(batch, MAX_BATCH - 1);
            syncBatch(batch);
        }
    }

    private void syncBatch(List<CompletableFuture<Void>> batch) {
        CompletableFuture<Void> envelopesSynced = CompletableFuture.runAsync(() -> {
            try {
                DurableFiles.syncDirectory(envelopesDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, syncThread);
        Throwable failure = null;
        try {
            DurableFiles.syncDirectory(messagesDir);
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        try {
            envelopesSynced.join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            failure = failure != null ? failure : cause != null ? cause : e;
        }
        for (CompletableFuture<Void> done : batch) {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(null);
            }
        }
    }
}
