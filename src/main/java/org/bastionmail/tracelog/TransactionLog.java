package org.bastionmail.tracelog;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction log: every {@link TraceEvent} as a JSON line in one file, rotated by size or daily.
 * Sessions and deliveries only put the line in a bounded buffer; one writer thread writes it, so a slow
 * disk never holds up SMTP. When the buffer is full the line is dropped and counted, never waited for.
 */
public final class TransactionLog implements TraceSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionLog.class);
    private static final String STOP = "\u0000stop";

    /**
     * @param file the current log file; rotated files sit beside it
     * @param daily rotate when the UTC day changes, besides the size limit
     * @param maxBytes rotate when the file would grow past this
     * @param keep how many rotated files are kept
     * @param buffer how many lines may wait for the writer
     */
    public record Settings(Path file, boolean daily, long maxBytes, int keep, int buffer) {
        public Settings {
            if (maxBytes < 1 || keep < 0 || buffer < 1) {
                throw new IllegalArgumentException("bad transaction log settings");
            }
        }
    }

    private final BlockingQueue<String> lines;
    private final RotatingFile file;
    private final AtomicLong dropped = new AtomicLong();
    private final Runnable onDrop;
    private final Thread writer;
    private volatile boolean closed;

    private TransactionLog(Settings settings, Clock clock, Runnable onDrop) {
        this.lines = new ArrayBlockingQueue<>(settings.buffer());
        this.file = new RotatingFile(settings.file(), settings.daily(), settings.maxBytes(), settings.keep(), clock);
        this.onDrop = onDrop;
        this.writer = Thread.ofPlatform().name("transaction-log").daemon(true).unstarted(this::writeLoop);
    }

    /**
     * Starts the writer.
     *
     * @param onDrop called for each line dropped (buffer full, or the disk failing)
     */
    public static TransactionLog start(Settings settings, Clock clock, Runnable onDrop) {
        TransactionLog log = new TransactionLog(settings, clock, onDrop);
        log.writer.start();
        return log;
    }

    @Override
    public void record(TraceEvent event) {
        if (closed || !lines.offer(TraceJson.line(event))) {
            drop(1);
        }
    }

    /** How many lines were lost so far. */
    public long dropped() {
        return dropped.get();
    }

    private void drop(int n) {
        long before = dropped.getAndAdd(n);
        // Logged at the first loss and then every thousandth: a flood must not flood the main log too.
        if (before / 1000 != (before + n) / 1000 || before == 0) {
            LOG.warn("transaction log: {} line(s) dropped so far (buffer full or disk failing)", before + n);
        }
        for (int i = 0; i < n; i++) {
            onDrop.run();
        }
    }

    private void writeLoop() {
        List<String> batch = new ArrayList<>();
        boolean stop = false;
        boolean failing = false; // logged once per outage, not per line
        while (!stop) {
            try {
                String first = lines.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                lines.drainTo(batch, 1000);
                stop = batch.remove(STOP);
                write(batch);
                failing = false;
            } catch (InterruptedException e) {
                stop = true;
            } catch (IOException | RuntimeException e) {
                if (!failing) {
                    LOG.error("transaction log: cannot write: {}", e.toString());
                    failing = true;
                }
                drop(batch.size());
                closeQuietly();
            }
            batch.clear();
        }
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            file.close();
        } catch (IOException e) {
            // reopened at the next write, or the log is closing
        }
    }

    private void write(List<String> batch) throws IOException {
        for (String line : batch) {
            file.write(line);
        }
        // Flushed after every batch: `bastion trace` reads the file while the server runs.
        file.flush();
    }

    /** Writes what is buffered and stops the writer. */
    @Override
    public void close() {
        closed = true;
        try {
            lines.put(STOP);
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
