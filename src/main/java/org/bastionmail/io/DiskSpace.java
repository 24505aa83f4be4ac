package org.bastionmail.io;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Free space on the file system of the data dir, and whether a failure meant it ran out. A server that
 * runs out of disk must say "try later" (RFC 3463 4.3.1) rather than lose or half-write a message.
 */
public final class DiskSpace {
    private DiskSpace() {}

    /** Bytes an unprivileged writer may still use under {@code dir}; Long.MAX_VALUE if the file system cannot tell. */
    public static long usable(Path dir) {
        try {
            long usable = Files.getFileStore(dir).getUsableSpace();
            return usable < 0 ? Long.MAX_VALUE : usable;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            // Unknown is not full: the write itself will tell.
            return Long.MAX_VALUE;
        }
    }

    /**
     * Whether {@code failure} (or one of its causes) is the file system being full: ENOSPC or EDQUOT
     * from the kernel, or SQLite's SQLITE_FULL.
     */
    public static boolean isFull(Throwable failure) {
        for (Throwable t = failure, seen = null; t != null && t != seen; seen = t, t = t.getCause()) {
            String text = t instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : t.getMessage();
            if (text == null) {
                continue;
            }
            String lower = text.toLowerCase(Locale.ROOT);
            if (lower.contains("no space left on device") || lower.contains("disk quota exceeded")
                    || lower.contains("sqlite_full") || lower.contains("database or disk is full")) {
                return true;
            }
        }
        return false;
    }
}
