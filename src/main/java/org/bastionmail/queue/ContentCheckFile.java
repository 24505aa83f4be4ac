package org.bastionmail.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/** Compares a content file with the length and CRC-32C its envelope recorded (at recovery only). */
final class ContentCheckFile {
    private static final int CHUNK = 64 * 1024;

    private ContentCheckFile() {}

    /**
     * Whether {@code content} has exactly the recorded length and checksum. The length is compared first,
     * so a declared length that does not fit (a damaged or hostile envelope) costs no read at all.
     */
    static boolean matches(Path content, QueueJson.ContentCheck check) throws IOException {
        if (check.length() < 0 || Files.size(content) != check.length()) {
            return false;
        }
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        try (FileChannel in = FileChannel.open(content, StandardOpenOption.READ)) {
            long total = 0;
            int n;
            while ((n = in.read(buffer.clear())) >= 0) {
                total += n;
                if (total > check.length()) {
                    return false; // grew meanwhile
                }
                crc.update(buffer.flip());
            }
            return total == check.length() && crc.getValue() == check.crc32c();
        }
    }
}
