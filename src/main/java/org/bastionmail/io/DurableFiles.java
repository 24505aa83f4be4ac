package org.bastionmail.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The few file system steps that make a write survive a power cut: fsync the file, rename it into
 * place atomically, fsync the directory that records the new name.
 *
 * <p>These block in the kernel; callers on virtual threads run them through {@link CarrierOffload}.
 */
public final class DurableFiles {
    private DurableFiles() {}

    /** Makes the directory entries of {@code dir} (creations, renames, deletions) durable. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Replaces {@code target} with {@code data} so that a crash leaves either the old or the new
     * content, never a mix: write a sibling temporary file, fsync it, rename it, fsync the directory.
     */
    public static void writeAtomically(Path target, byte[] data) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.getParent());
    }

    /** Creates {@code dir} (and missing parents) and makes each new entry durable in its parent. */
    public static void createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(absolute);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(absolute)) {
                throw e;
            }
            return;
        }
        if (parent != null) {
            syncDirectory(parent);
        }
    }
}
