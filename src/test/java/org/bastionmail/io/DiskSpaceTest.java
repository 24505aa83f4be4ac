package org.bastionmail.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSpaceTest {

    @Test
    void recognisesAFullFileSystemHoweverDeepTheCause() {
        assertThat(DiskSpace.isFull(new FileSystemException("/q/1.eml", null, "No space left on device"))).isTrue();
        assertThat(DiskSpace.isFull(new IOException("No space left on device"))).isTrue();
        assertThat(DiskSpace.isFull(new UncheckedIOException(new IOException("Disk quota exceeded")))).isTrue();
        assertThat(DiskSpace.isFull(new IOException("store failed",
                new SQLException("[SQLITE_FULL] Insertion failed because database is full (database or disk is full)")))).isTrue();
    }

    @Test
    void otherFailuresAreNotAFullDisk() {
        assertThat(DiskSpace.isFull(new FileSystemException("/q/1.eml", null, "Read-only file system"))).isFalse();
        assertThat(DiskSpace.isFull(new IOException())).isFalse();
        assertThat(DiskSpace.isFull(new RuntimeException("broken pipe"))).isFalse();
    }

    @Test
    void usableSpaceOfARealDirectoryIsKnown(@TempDir Path dir) {
        assertThat(DiskSpace.usable(dir)).isPositive().isLessThan(Long.MAX_VALUE);
        assertThat(DiskSpace.usable(dir.resolve("missing"))).isEqualTo(Long.MAX_VALUE);
    }
}
