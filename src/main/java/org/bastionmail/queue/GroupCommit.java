package org.bastionmail.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves committed messages into place for many sessions at once: the content files of every message
 * waiting, then their envelopes, then one fsync of {@code messages/} and one of {@code envelopes/}, at
 * the same time. Each message's own files were fsync'd by its session before it got here, and a session
 * is told its message is committed only after both directory fsyncs covered it. Under load the two
 * directory fsyncs are shared by every session that committed meanwhile, instead of two per message.
 */
final class GroupCommit {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    /** A bound on one batch, so that a long burst still gets its replies in steps. */
    private static final int MAX_BATCH = 256;

    /** One message to move into place: its fsync'd temporary files and their final names. */
    record Move(Path tempContent, Path content, Path tempEnvelope, Path envelope) {}

    private record Pending(Move move, CompletableFuture<Void> done) {}

    private final Path messagesDir;
    private final Path envelopesDir;
    private final LinkedBlockingQueue<Pending> waiting = new LinkedBlockingQueue<>();
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

    /** Moves the message into place; returns once its envelope's name is durable, or throws. */
    void commit(Move move) throws IOException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        waiting.add(new Pending(move, done));
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // The commit may still happen: the caller must not acknowledge, and the message may be
            // delivered without its 250, which SMTP allows (RFC 5321 6.1: duplicates over loss).
            throw new IOException("interrupted while committing to the queue", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("queue commit failed", e.getCause());
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            batch.clear();
            try {
                batch.add(waiting.take());
            } catch (InterruptedException e) {
                return;
            }
            waiting.drainTo(batch, MAX_BATCH - 1);
            commitBatch(batch);
        }
    }

    private void commitBatch(List<Pending> batch) {
        List<Pending> moved = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            try {
                Files.move(p.move().tempContent(), p.move().content(), StandardCopyOption.ATOMIC_MOVE);
                moved.add(p);
            } catch (IOException | RuntimeException e) {
                p.done().completeExceptionally(e);
            }
        }
        List<Pending> named = new ArrayList<>(moved.size());
        for (Pending p : moved) {
            try {
                Files.move(p.move().tempEnvelope(), p.move().envelope(), StandardCopyOption.ATOMIC_MOVE);
                named.add(p);
            } catch (IOException | RuntimeException e) {
                fail(List.of(p), e, false);
            }
        }
        // Both directories at once: nobody is told before both fsyncs covered their message, and
        // whichever half a crash keeps of an unacknowledged one, recovery removes it (FileQueue.recover).
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
            failure = failure != null ? failure : e.getCause() != null ? e.getCause() : e;
        }
        if (failure != null) {
            fail(named, failure, true);
            return;
        }
        for (Pending p : named) {
            p.done().complete(null);
        }
    }

    /** Not acknowledged: make sure it is not delivered either. */
    private static void fail(List<Pending> pending, Throwable cause, boolean envelopeMoved) {
        for (Pending p : pending) {
            try {
                if (envelopeMoved) {
                    Files.deleteIfExists(p.move().envelope());
                }
                Files.deleteIfExists(p.move().content());
            } catch (IOException e) {
                LOG.error("cannot remove the unacknowledged queue files of {}", p.move().content(), e);
            }
            p.done().completeExceptionally(cause);
        }
    }
}
