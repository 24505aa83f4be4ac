package org.bastionmail.dmarc;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.bastionmail.io.CarrierOffload;
import org.bastionmail.io.PrivateDirectories;

/**
 * The data DMARC aggregate reports are made from (RFC 7489 7.2): one JSON line per evaluated message in
 * {@code data_dir/dmarc/records/YYYY-MM-DD.jsonl}, by UTC day, for the report sender to sum up per policy
 * domain and send to its {@code rua}. Losing a line in a crash only makes a report slightly short, so the
 * file is appended without fsync.
 */
public final class AggregateReportLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;
    private final ReentrantLock lock = new ReentrantLock();

    private AggregateReportLog(Path folder) {
        this.folder = folder;
    }

    public static AggregateReportLog open(Path dataDir) throws IOException {
        Path folder = dataDir.resolve("dmarc").resolve("records");
        PrivateDirectories.create(dataDir.resolve("dmarc"));
        PrivateDirectories.create(folder);
        return new AggregateReportLog(folder);
    }

    /** Appends one message's record to the file of {@code day}. */
    public void append(LocalDate day, AggregateRecord record) throws IOException {
        byte[] line = (JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
        CarrierOffload.call(() -> {
            lock.lock();
            try {
                appendLine(file(day), line);
            } finally {
                lock.unlock();
            }
            return null;
        });
    }

    /** Appends {@code line}, first ending a line a crash left unfinished so that only that one is lost. */
    private static void appendLine(Path file, byte[] line) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long size = channel.size();
            ByteBuffer last = ByteBuffer.allocate(1);
            boolean torn = size > 0 && channel.read(last, size - 1) == 1 && last.get(0) != '\n';
            channel.position(size);
            if (torn) {
                channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
            }
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    /** The records of one day, in the order they were written; lines that cannot be read are skipped. */
    public List<AggregateRecord> read(LocalDate day) throws IOException {
        Path file = file(day);
        List<AggregateRecord> records = new ArrayList<>();
        if (!Files.exists(file)) {
            return records;
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                try {
                    records.add(JSON.readValue(line, AggregateRecord.class));
                } catch (IOException torn) {
                    // a line cut short by a crash: the rest of the file is still good
                }
            }
        }
        return records;
    }

    private Path file(LocalDate day) {
        return folder.resolve(day + ".jsonl");
    }
}
