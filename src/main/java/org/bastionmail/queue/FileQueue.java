package org.bastionmail.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.bastionmail.io.CarrierOffload;
import org.bastionmail.io.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue on disk, whose files are the truth (as in Postfix):
 *
 * <pre>
 * queue/incoming/&lt;id&gt;.eml, .json   being received; removed at open
 * queue/messages/&lt;id&gt;.eml         committed content
 * queue/envelopes/&lt;id&gt;.json       committed envelope with the content's length and CRC-32C; its
 *                                  presence, whole and matching the content, is the commit
 * queue/state/&lt;id&gt;.json           per-recipient state once anything happened; absent: all pending
 * </pre>
 *
 * <p>A message is removed when no recipient is pending or deferred: envelope first (so it is gone
 * at once), then content and state. Whatever a crash leaves half-done, {@link #open} finishes.
 */
public final class FileQueue implements MessageQueue {
    private static final Logger LOG = LoggerFactory.getLogger(FileQueue.class);
    /** Our own files, but a limit keeps a damaged one from exhausting memory. */
    private static final long MAX_JSON_BYTES = 4L << 20;
    private static final int MAX_CACHED_ENVELOPES = 10_000;

    private final Path incoming;
    private final Path messages;
    private final Path envelopes;
    private final Path states;
    private final boolean readOnly;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock stateLock = new ReentrantLock();
    /**
     * The envelopes this process committed, so that delivery does not parse the JSON it has just written
     * (an envelope never changes once committed; recipients' state lives apart). Bounded: beyond it,
     * entries are read from their files as after a restart.
     */
    private final ConcurrentHashMap<String, Envelope> recentEnvelopes = new ConcurrentHashMap<>();
    private GroupCommit groupCommit;

    private FileQueue(Path dataDir, boolean readOnly) {
        Path root = dataDir.resolve("queue");
        this.incoming = root.resolve("incoming");
        this.messages = root.resolve("messages");
        this.envelopes = root.resolve("envelopes");
        this.states = root.resolve("state");
        this.readOnly = readOnly;
    }

    /**
     * Opens the queue for the server that owns it: creates the directories, removes messages that
     * were never acknowledged and state left by finished ones. One process at a time.
     */
    public static FileQueue open(Path dataDir) throws IOException {
        FileQueue queue = new FileQueue(dataDir, false);
        CarrierOffload.call(() -> {
            for (Path dir : List.of(queue.incoming, queue.messages, queue.envelopes, queue.states)) {
                DurableFiles.createDirectories(dir);
            }
            queue.recover();
            return null;
        });
        queue.groupCommit = new GroupCommit(queue.messages, queue.envelopes);
        return queue;
    }

    /** Opens the queue to look at it (the CLI, while a server may be running): no recovery, no changes. */
    public static FileQueue inspect(Path dataDir) {
        return new FileQueue(dataDir, true);
    }

    private void recover() throws IOException {
        for (Path leftover : list(incoming, "*")) {
            Files.deleteIfExists(leftover);
        }
        for (Path content : list(messages, "*.eml")) {
            String id = idOf(content, ".eml");
            if (!Files.exists(envelopeFile(id))) {
                LOG.info("removing queue message {} that was never committed", id);
                Files.deleteIfExists(content);
            }
        }
        for (Path state : list(states, "*")) {
            String name = state.getFileName().toString();
            if (name.endsWith(".tmp") || !Files.exists(envelopeFile(idOf(state, ".json")))) {
                Files.deleteIfExists(state);
            }
        }
        for (Path envelope : list(envelopes, "*.json")) {
            String id = idOf(envelope, ".json");
            if (!QueueId.isValid(id)) {
                continue;
            }
            if (!Files.exists(contentFile(id))) {
                // Either a removal that a crash half undid (removals are not fsync'd): the message was
                // done with; or a commit the crash cut short, whose envelope's name became durable and
                // its content's not: never acknowledged, since a 250 waits for both directory fsyncs.
                // Either way, finish removing it.
                LOG.warn("removing queue envelope {} whose message was already removed", id);
                removeFiles(id);
            } else if (!complete(id)) {
                // The files and both directories are fsync'd at the same time and the 250 waits for all
                // four: a crash before that may keep the names with only part of the data. Never
                // acknowledged, so removed rather than delivered damaged.
                LOG.warn("removing queue message {} whose commit a crash cut short", id);
                removeFiles(id);
            }
        }
    }

    /**
     * Whether entry {@code id}'s envelope is whole and its content is what the envelope says it is (length
     * and CRC-32C); an envelope that is whole but not understood, or from before the check, counts as
     * complete (it is reported when read, not removed).
     */
    private boolean complete(String id) throws IOException {
        byte[] json;
        try {
            json = readLimited(envelopeFile(id));
        } catch (IOException e) {
            LOG.error("cannot read queue envelope {}: {}", id, e.getMessage());
            return true;
        }
        if (QueueJson.torn(json)) {
            return false;
        }
        Optional<QueueJson.ContentCheck> check;
        try {
            check = QueueJson.readContentCheck(json);
        } catch (IOException e) {
            return true; // reported by entries()
        }
        return check.isEmpty() || ContentCheckFile.matches(contentFile(id), check.get());
    }

    private void removeFiles(String id) throws IOException {
        Files.deleteIfExists(envelopeFile(id));
        Files.deleteIfExists(contentFile(id));
        Files.deleteIfExists(stateFile(id));
    }

    @Override
    public boolean hasRoomFor(long bytes) {
        return org.bastionmail.io.DiskSpace.usable(incoming) >= bytes;
    }

    @Override
    public IncomingMessage newMessage() throws IOException {
        checkWritable();
        for (int tries = 0; ; tries++) {
            String id = QueueId.next(Instant.now());
            Path temp = incoming.resolve(id + ".eml");
            if (Files.exists(contentFile(id))) {
                continue;
            }
            try {
                FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return new FileIncomingMessage(this, id, temp, incoming.resolve(id + ".json"), channel);
            } catch (FileAlreadyExistsException e) {
                if (tries > 10) {
                    throw e;
                }
            }
        }
    }

    GroupCommit groupCommit() {
        checkWritable();
        return groupCommit;
    }

    /**
     * Calls {@code listener} with the id of every message committed from now on, on the committing
     * thread after the message is durable; a listener should hand the id off, not deliver inline.
     */
    public void onCommit(Consumer<String> listener) {
        listeners.add(listener);
    }

    void committed(String id, Envelope envelope) {
        if (recentEnvelopes.size() < MAX_CACHED_ENVELOPES) {
            recentEnvelopes.put(id, envelope);
        }
        for (Consumer<String> listener : listeners) {
            try {
                listener.accept(id);
            } catch (RuntimeException e) {
                // The message is safe on disk; the next start picks it up.
                LOG.error("queue listener failed for {}", id, e);
            }
        }
    }

    /** Every readable committed message, oldest first (unreadable ones are logged and skipped). */
    public List<QueueEntry> entries() throws IOException {
        return CarrierOffload.call(() -> {
            List<QueueEntry> result = new ArrayList<>();
            for (Path envelope : list(envelopes, "*.json")) {
                String id = idOf(envelope, ".json");
                if (!QueueId.isValid(id)) {
                    continue;
                }
                try {
                    read(id).ifPresent(result::add);
                } catch (IOException e) {
                    // One damaged entry must not hide the others from delivery or the operator.
                    LOG.error("cannot read queue entry {}: {}", id, e.getMessage());
                }
            }
            result.sort((a, b) -> a.id().compareTo(b.id()));
            return result;
        });
    }

    /** One committed message; empty if there is none with this id (or the id is malformed). */
    public Optional<QueueEntry> entry(String id) throws IOException {
        if (!QueueId.isValid(id)) {
            return Optional.empty();
        }
        return CarrierOffload.call(() -> read(id));
    }

    private Optional<QueueEntry> read(String id) throws IOException {
        Envelope envelope;
        long size;
        try {
            Envelope cached = recentEnvelopes.get(id);
            envelope = cached != null ? cached : QueueJson.readEnvelope(readLimited(envelopeFile(id)));
            size = Files.size(contentFile(id));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // removed meanwhile, or the content is missing (logged at open)
        }
        List<RecipientState> recipients = null;
        // Usually absent (nothing happened yet): looked for without the cost of an exception.
        if (Files.exists(stateFile(id))) {
            try {
                recipients = QueueJson.readStates(readLimited(stateFile(id)));
            } catch (NoSuchFileException e) {
                // removed meanwhile
            }
        }
        if (recipients == null) {
            recipients = envelope.recipients().stream().map(RecipientState::pending).toList();
        }
        return Optional.of(new QueueEntry(id, envelope, recipients, size));
    }

    private static byte[] readLimited(Path file) throws IOException {
        if (Files.size(file) > MAX_JSON_BYTES) {
            throw new IOException(file + " is larger than " + MAX_JSON_BYTES + " bytes");
        }
        return Files.readAllBytes(file);
    }

    /**
     * Records the recipients' new state durably. When none is pending or deferred any more, the
     * message is removed from the queue.
     *
     * @return the entry as now stored, empty if it was removed (or was not there)
     */
    public Optional<QueueEntry> update(String id, List<RecipientState> recipients) throws IOException {
        checkWritable();
        if (!QueueId.isValid(id)) {
            throw new IllegalArgumentException("not a queue id: " + id);
        }
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a queue entry has at least one recipient");
        }
        byte[] json = QueueJson.write(recipients);
        return CarrierOffload.call(() -> {
            stateLock.lock();
            try {
                if (!Files.exists(envelopeFile(id))) {
                    return Optional.empty();
                }
                if (recipients.stream().noneMatch(r -> r.status().open())) {
                    remove(id);
                    return Optional.empty();
                }
                DurableFiles.writeAtomically(stateFile(id), json);
                return read(id);
            } finally {
                stateLock.unlock();
            }
        });
    }

    /**
     * Records what one delivery engine changed, without undoing what another changed meanwhile: each
     * recipient that differs between {@code before} (the engine's snapshot) and {@code after} takes its new
     * state only if it is still as in the snapshot; recipients {@code after} appends (forwarding) are
     * added. Local and remote delivery own different recipients, so their changes never meet.
     *
     * @return the entry as now stored, empty if it was removed (or was not there)
     */
    public Optional<QueueEntry> applyChanges(String id, List<RecipientState> before, List<RecipientState> after)
            throws IOException {
        checkWritable();
        if (!QueueId.isValid(id)) {
            throw new IllegalArgumentException("not a queue id: " + id);
        }
        return CarrierOffload.call(() -> {
            stateLock.lock();
            try {
                Optional<QueueEntry> current = read(id);
                if (current.isEmpty()) {
                    return Optional.empty();
                }
                List<RecipientState> merged = new ArrayList<>(current.get().recipients());
                for (int i = 0; i < after.size(); i++) {
                    if (i >= before.size()) {
                        merged.add(after.get(i));
                    } else if (i < merged.size() && !after.get(i).equals(before.get(i)) && merged.get(i).equals(before.get(i))) {
                        merged.set(i, after.get(i));
                    }
                }
                if (merged.stream().noneMatch(r -> r.status().open())) {
                    remove(id);
                    return Optional.empty();
                }
                DurableFiles.writeAtomically(stateFile(id), QueueJson.write(merged));
                return read(id);
            } finally {
                stateLock.unlock();
            }
        });
    }

    /** Removes a message from the queue for good (the administrator's {@code bastion queue delete}). */
    public boolean delete(String id) throws IOException {
        checkWritable();
        if (!QueueId.isValid(id)) {
            throw new IllegalArgumentException("not a queue id: " + id);
        }
        return CarrierOffload.call(() -> {
            stateLock.lock();
            try {
                if (!Files.exists(envelopeFile(id))) {
                    return false;
                }
                remove(id);
                return true;
            } finally {
                stateLock.unlock();
            }
        });
    }

    /**
     * Makes the open remote recipients of entry {@code id} (all entries when empty) due now, so that the
     * next scan of remote delivery tries them ({@code bastion queue retry / flush}).
     *
     * @return how many recipients were made due
     */
    public int makeDue(Optional<String> id, Instant now) throws IOException {
        int count = 0;
        for (QueueEntry entry : id.isPresent() ? entry(id.get()).stream().toList() : entries()) {
            List<RecipientState> before = entry.recipients();
            List<RecipientState> after = new ArrayList<>(before);
            for (int i = 0; i < after.size(); i++) {
                RecipientState r = after.get(i);
                if (r.status() == RecipientState.Status.DEFERRED && r.nextAttempt().isPresent() && r.nextAttempt().get().isAfter(now)) {
                    after.set(i, new RecipientState(r.recipient(), r.status(), r.reason(), r.attempts(), Optional.of(now),
                            r.forwardedFrom(), r.delayReported()));
                    count++;
                }
            }
            if (!after.equals(before)) {
                applyChanges(entry.id(), before, after);
            }
        }
        return count;
    }

    /**
     * Removes a finished message. The removal is not fsync'd: a crash that undoes it leaves an entry whose
     * recipients are all done by then; local delivery repeats as a no-op (the store's delivery key) and a
     * remote repeat is a duplicate, which SMTP prefers to a loss (RFC 5321 6.1). One fsync less per message.
     */
    private void remove(String id) throws IOException {
        recentEnvelopes.remove(id);
        Files.deleteIfExists(envelopeFile(id));
        Files.deleteIfExists(contentFile(id));
        if (Files.exists(stateFile(id))) { // usually never written
            Files.deleteIfExists(stateFile(id));
        }
    }

    /** The committed content of a message, for delivery to read. */
    public Path contentFile(String id) {
        if (!QueueId.isValid(id)) {
            throw new IllegalArgumentException("not a queue id: " + id);
        }
        return messages.resolve(id + ".eml");
    }

    Path envelopeFile(String id) {
        return envelopes.resolve(id + ".json");
    }

    private Path stateFile(String id) {
        return states.resolve(id + ".json");
    }

    private void checkWritable() {
        if (readOnly) {
            throw new IllegalStateException("the queue was opened for inspection only");
        }
    }

    private static String idOf(Path file, String suffix) {
        String name = file.getFileName().toString();
        return name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : name;
    }

    private static List<Path> list(Path dir, String glob) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
            stream.forEach(files::add);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return files;
    }
}
