package org.bastionmail.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bastionmail.io.DurableFiles;

/**
 * The message files: {@code messages/<mailbox id>/<uid>.eml}, named only by numbers the store chose.
 * A file is written and made durable before its row commits, and removed only after its row is gone.
 *
 * <p>A delivery first writes its copy into {@code incoming/} under a random name and fsyncs it there,
 * outside the store's lock (so concurrent deliveries fsync in parallel); under the lock it is only
 * renamed to its UID, and one fsync of the mailbox directory covers every rename of a batch.
 */
final class MessageFiles {
    /** A staged file this old belongs to no delivery in progress (they take milliseconds). */
    private static final Duration STALE = Duration.ofHours(1);

    private final Path messagesDir;
    private final Path stagingDir;

    MessageFiles(Path messagesDir) {
        this.messagesDir = messagesDir;
        this.stagingDir = messagesDir.resolveSibling("incoming");
    }

    /**
     * Creates {@code incoming/} and removes what crashed deliveries left there. Only old files: another
     * process (the CLI) may open the store while the server stages a delivery.
     */
    void openStaging() throws IOException {
        DurableFiles.createDirectories(stagingDir);
        FileTime limit = FileTime.from(Instant.now().minus(STALE));
        try (var files = Files.newDirectoryStream(stagingDir)) {
            for (Path file : files) {
                try {
                    if (Files.getLastModifiedTime(file).compareTo(limit) < 0) {
                        Files.deleteIfExists(file);
                    }
                } catch (IOException e) {
                    // gone meanwhile, or not ours to remove: a leftover costs space only
                }
            }
        }
    }

    /**
     * Writes {@code prefix} and a copy of {@code source} to a new file in {@code incoming/} and makes its
     * content durable; its name is made durable only by {@link #moveStaged}'s directory fsync.
     */
    Path stage(byte[] prefix, Path source, long expectedSize) throws IOException {
        Path staged = Files.createTempFile(stagingDir, "d", ".eml");
        try {
            copy(prefix, source, staged, expectedSize);
            return staged;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(staged);
            throw e;
        }
    }

    /** Gives a staged file its UID name; durable once {@link DurableFiles#syncDirectory} ran on its directory. */
    void moveStaged(Path staged, Path target) throws IOException {
        DurableFiles.createDirectories(target.getParent());
        // Replaces an orphan a crash left at this UID (written, renamed, but its row never committed).
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    Path mailboxDir(long mailboxId) {
        return messagesDir.resolve(Long.toString(mailboxId));
    }

    /** Writes {@code prefix} and a copy of the message, and makes them and the directory entry durable. */
    void writeContent(byte[] prefix, Path source, Path target, long expectedSize) throws IOException {
        Path dir = target.getParent();
        DurableFiles.createDirectories(dir);
        copy(prefix, source, target, expectedSize);
        DurableFiles.syncDirectory(dir);
    }

    private static void copy(byte[] prefix, Path source, Path target, long expectedSize) throws IOException {
        long copied;
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = ByteBuffer.wrap(prefix);
            while (head.hasRemaining()) {
                out.write(head);
            }
            copied = prefix.length;
            while (copied < expectedSize) {
                long n = out.transferFrom(in, copied, expectedSize - copied);
                if (n <= 0) {
                    break;
                }
                copied += n;
            }
            out.force(true);
        }
        if (copied != expectedSize) {
            throw new IOException("the message changed while it was stored: " + copied + " of " + expectedSize + " bytes");
        }
    }

    Path contentFile(long mailboxId, long uid) {
        return messagesDir.resolve(Long.toString(mailboxId)).resolve(uid + ".eml");
    }

    /** Content files go only after the commit: a crash before leaves an unreferenced file, never a row without one. */
    void deleteFiles(List<Path> files) {
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // an orphan file costs disk space, nothing else; the rows are gone
            }
        }
    }

    /** Message files never change once written, so a copy can share the source's inode. */
    void linkContent(Path source, Path target, long size) throws IOException {
        DurableFiles.createDirectories(target.getParent());
        Files.deleteIfExists(target); // an orphan left by a crash at this UID
        try {
            Files.createLink(target, source);
        } catch (UnsupportedOperationException | IOException e) {
            writeContent(new byte[0], source, target, size);
        }
    }
}
