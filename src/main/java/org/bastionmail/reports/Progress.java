package org.bastionmail.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.bastionmail.io.CarrierOffload;
import org.bastionmail.io.DurableFiles;
import org.bastionmail.io.PrivateDirectories;

/**
 * What has been sent, per report kind, day and policy domain, under
 * {@code DATA/reports/KIND/DAY/DOMAIN}: one line per report target already served and a last line
 * {@code complete} once the report is done. Written with fsync before the next target is tried, so a
 * restart neither sends a report twice to one target nor forgets the ones still owed.
 */
final class Progress {
    private static final String COMPLETE = "complete";
    private static final long MAX_FILE = 64 * 1024;

    private final Path dir;

    Progress(Path dataDir, String kind) {
        this.dir = dataDir.resolve("reports").resolve(kind);
    }

    /** The targets (and possibly {@code complete}) recorded for {@code domain} on {@code day}. */
    Set<String> done(LocalDate day, String domain) throws IOException {
        Path file = file(day, domain);
        return CarrierOffload.call(() -> {
            if (!Files.exists(file) || Files.size(file) > MAX_FILE) {
                return Set.of();
            }
            return new LinkedHashSet<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        });
    }

    boolean complete(LocalDate day, String domain) throws IOException {
        return done(day, domain).contains(COMPLETE);
    }

    /** Records that {@code target} received the report. */
    void sent(LocalDate day, String domain, String target) throws IOException {
        append(day, domain, target);
    }

    /** Records that nothing more is owed for {@code domain} on {@code day}. */
    void finish(LocalDate day, String domain) throws IOException {
        append(day, domain, COMPLETE);
    }

    /** Forgets every day before {@code oldest}: they will never be looked at again. */
    void prune(LocalDate oldest) throws IOException {
        CarrierOffload.call(() -> {
            if (!Files.isDirectory(dir)) {
                return null;
            }
            List<Path> days;
            try (Stream<Path> list = Files.list(dir)) {
                days = list.filter(p -> day(p).map(d -> d.isBefore(oldest)).orElse(false)).toList();
            }
            for (Path day : days) {
                try (Stream<Path> files = Files.list(day)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(day);
            }
            return null;
        });
    }

    private void append(LocalDate day, String domain, String line) throws IOException {
        if (line.contains("\n") || line.contains("\r")) {
            throw new IllegalArgumentException("target with a line break");
        }
        Path file = file(day, domain);
        Set<String> lines = new LinkedHashSet<>(done(day, domain));
        lines.add(line);
        byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        CarrierOffload.call(() -> {
            PrivateDirectories.create(dir.getParent());
            PrivateDirectories.create(dir);
            DurableFiles.createDirectories(file.getParent());
            DurableFiles.writeAtomically(file, bytes);
            return null;
        });
    }

    /** Domains were checked by the caller (letters, digits, hyphens and dots), so they are safe file names. */
    private Path file(LocalDate day, String domain) {
        return dir.resolve(day.toString()).resolve(domain);
    }

    private static java.util.Optional<LocalDate> day(Path p) {
        try {
            return java.util.Optional.of(LocalDate.parse(p.getFileName().toString()));
        } catch (DateTimeParseException e) {
            return java.util.Optional.empty();
        }
    }
}
