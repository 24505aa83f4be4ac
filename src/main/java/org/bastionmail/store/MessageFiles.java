package org.bastionmail.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.bastionmail.io.DurableFiles;

/**
 * The message files: {@code messages/<mailbox id>/<uid>.eml}, named only by numbers the store chose.
 * A file is written and made durable before its row commits, and removed only after its row is gone.
 */
final class MessageFiles {
    private final Path messagesDir;

    MessageFiles(Path messagesDir) {
        this.messagesDir = messagesDir;
    }

    Path mailboxDir(long mailboxId) {
        return messagesDir.resolve(Long.toString(mailboxId));
    }

    /** Writes {@code prefix} and a copy of the message, and makes them and the directory entry durable. */
    void writeContent(byte[] prefix, Path source, Path target, long expectedSize) throws IOException {
        Path dir = target.getParent();
        DurableFiles.createDirectories(dir);
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
        DurableFiles.syncDirectory(dir);
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
