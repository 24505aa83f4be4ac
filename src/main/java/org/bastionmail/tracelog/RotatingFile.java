package org.bastionmail.tracelog;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bastionmail.io.PrivateDirectories;

/**
 * An append-only text file that is renamed aside when it grows past a size, or when the UTC day changes
 * (if daily), keeping a bounded number of old files. Old files are named {@code FILE.yyyyMMddHHmmssSSS}
 * (a {@code -N} suffix if two rotations fall in the same millisecond), so that names sort by age.
 * Used by one thread at a time.
 */
final class RotatingFile implements Closeable {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS").withZone(ZoneOffset.UTC);

    private final Path file;
    private final boolean daily;
    private final long maxBytes;
    private final int keep;
    private final Clock clock;
    private BufferedWriter out;
    private long size;
    private LocalDate day;

    RotatingFile(Path file, boolean daily, long maxBytes, int keep, Clock clock) {
        this.file = file;
        this.daily = daily;
        this.maxBytes = maxBytes;
        this.keep = keep;
        this.clock = clock;
    }

    /** Appends {@code line} and a line feed, rotating first if the file is full or from another day. */
    void write(String line) throws IOException {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (out == null) {
            open();
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        if (size > 0 && (size + bytes.length > maxBytes || daily && !today.equals(day))) {
            rotate();
        }
        out.write(line);
        out.write('\n');
        size += bytes.length;
    }

    void flush() throws IOException {
        if (out != null) {
            out.flush();
        }
    }

    private void open() throws IOException {
        PrivateDirectories.create(file.toAbsolutePath().getParent());
        if (!Files.exists(file) && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        size = Files.exists(file) ? Files.size(file) : 0;
        // A file left by an earlier run belongs to the day it was last written.
        day = size > 0 ? LocalDate.ofInstant(Files.getLastModifiedTime(file).toInstant(), ZoneOffset.UTC)
                : LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), StandardCharsets.UTF_8), 64 * 1024);
    }

    private void rotate() throws IOException {
        out.close();
        out = null;
        String stamp = STAMP.format(clock.instant());
        Path target = file.resolveSibling(file.getFileName() + "." + stamp);
        for (int n = 1; Files.exists(target); n++) {
            target = file.resolveSibling(file.getFileName() + "." + stamp + "-" + n);
        }
        Files.move(file, target);
        List<Path> old = rotated(file);
        for (int i = 0; i < old.size() - keep; i++) {
            Files.deleteIfExists(old.get(i));
        }
        open();
    }

    /** The rotated files of {@code file}, oldest first. */
    static List<Path> rotated(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        Pattern name = Pattern.compile(Pattern.quote(file.getFileName().toString()) + "\\.\\d{17}(-\\d+)?");
        List<Path> found = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.filter(p -> name.matcher(p.getFileName().toString()).matches()).forEach(found::add);
        }
        // "-N" suffixes sort after the plain name of the same millisecond, as they were made after it.
        found.sort((a, b) -> sortKey(a).compareTo(sortKey(b)));
        return found;
    }

    private static String sortKey(Path p) {
        String name = p.getFileName().toString();
        int dash = name.lastIndexOf('-');
        int dot = name.lastIndexOf('.');
        return dash > dot ? name.substring(0, dash) + "-" + String.format("%09d", Integer.parseInt(name.substring(dash + 1)))
                : name + "-000000000";
    }

    /** Every file of the log, oldest first: the rotated ones, then the current one. */
    static List<Path> all(Path file) throws IOException {
        List<Path> files = new ArrayList<>(rotated(file));
        if (Files.exists(file)) {
            files.add(file);
        }
        return files;
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            try {
                out.close();
            } finally {
                out = null;
            }
        }
    }
}
