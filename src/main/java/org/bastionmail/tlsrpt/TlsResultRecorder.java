package org.bastionmail.tlsrpt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bastionmail.io.CarrierOffload;
import org.bastionmail.io.DurableFiles;
import org.bastionmail.io.PrivateDirectories;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts TLS session results per policy domain and UTC day (RFC 8460 4.1: reports cover 24-hour UTC
 * periods), kept under {@code DATA/tlsrpt/DAY/DOMAIN.json} so a restart loses no counts. Every update
 * is written through (renamed into place, not fsync'd); the scheduler reads finished days, sends them, and discards them.
 */
public final class TlsResultRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(TlsResultRecorder.class);
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");
    /** Limits that keep one hostile domain (a new policy or failure per session) from filling the disk. */
    static final int MAX_POLICIES = 20;
    static final int MAX_DETAILS = 200;
    private static final long MAX_FILE = 4L * 1024 * 1024;

    private final Path dir;
    private final Clock clock;
    private final Map<String, Day> open = new ConcurrentHashMap<>();

    public TlsResultRecorder(Path dataDir, Clock clock) {
        this.dir = dataDir.resolve("tlsrpt");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A session under {@code policy} that met it. */
    public void success(TlsPolicy policy) {
        update(policy, counts -> counts.successes++);
    }

    /** A session under {@code policy} that failed it (RFC 8460 4.3 failure-details). */
    public void failure(TlsPolicy policy, FailureDetail detail) {
        update(policy, counts -> {
            counts.failures++;
            Long sessions = counts.details.get(detail);
            if (sessions != null || counts.details.size() < MAX_DETAILS) {
                counts.details.put(detail, sessions == null ? 1 : sessions + 1);
            }
        });
    }

    /** The days before {@code today} (UTC) that have results waiting: those are complete and reportable. */
    public List<LocalDate> finishedDays() {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        try (Stream<Path> days = CarrierOffload.call(() -> Files.isDirectory(dir) ? Files.list(dir) : Stream.<Path>empty())) {
            return days.map(p -> p.getFileName().toString()).flatMap(TlsResultRecorder::day)
                    .filter(d -> d.isBefore(today)).sorted().toList();
        } catch (IOException e) {
            LOG.warn("cannot list TLS report days: {}", e.getMessage());
            return List.of();
        }
    }

    /** The policy domains with results on {@code day}. */
    public List<String> domains(LocalDate day) {
        Path dayDir = dir.resolve(day.toString());
        try (Stream<Path> files = CarrierOffload.call(() -> Files.isDirectory(dayDir) ? Files.list(dayDir) : Stream.<Path>empty())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).filter(TlsResultRecorder::storable).sorted().toList();
        } catch (IOException e) {
            LOG.warn("cannot list TLS results of {}: {}", day, e.getMessage());
            return List.of();
        }
    }

    /** The results of {@code policyDomain} on {@code day}, one per policy met. */
    public List<PolicyResult> results(LocalDate day, String policyDomain) {
        if (!storable(policyDomain)) {
            return List.of();
        }
        Day d = day(day, policyDomain);
        d.lock.lock();
        try {
            return d.snapshot();
        } finally {
            d.lock.unlock();
        }
    }

    /** Forgets the results of {@code policyDomain} on {@code day}, once they were reported. */
    public void discard(LocalDate day, String policyDomain) throws IOException {
        if (!storable(policyDomain)) {
            return;
        }
        String key = day + "/" + policyDomain;
        Day d = open.remove(key);
        Path file = dir.resolve(day.toString()).resolve(policyDomain + ".json");
        CarrierOffload.call(() -> {
            Files.deleteIfExists(file);
            try {
                Files.deleteIfExists(file.getParent()); // only succeeds when the day is done
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                // other domains still wait
            }
            return null;
        });
        if (d != null) {
            d.discarded = true;
        }
    }

    private void update(TlsPolicy policy, java.util.function.Consumer<Counts> change) {
        if (!storable(policy.policyDomain())) {
            LOG.debug("TLS result for unusable domain name not recorded");
            return;
        }
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Day d = day(today, policy.policyDomain());
        d.lock.lock();
        try {
            Counts counts = d.policies.get(policy);
            if (counts == null) {
                if (d.policies.size() >= MAX_POLICIES) {
                    return;
                }
                counts = new Counts();
                d.policies.put(policy, counts);
            }
            change.accept(counts);
            save(d);
        } finally {
            d.lock.unlock();
        }
    }

    private Day day(LocalDate day, String domain) {
        return open.computeIfAbsent(day + "/" + domain, k -> load(day, domain));
    }

    private Day load(LocalDate day, String domain) {
        Path file = dir.resolve(day.toString()).resolve(domain + ".json");
        Day d = new Day(file);
        try {
            JsonNode root = CarrierOffload.call(() -> {
                if (Files.size(file) > MAX_FILE) {
                    throw new IOException("larger than " + MAX_FILE + " bytes");
                }
                return ReportJson.JSON.readTree(Files.readAllBytes(file));
            });
            for (JsonNode node : root.path("policies")) {
                PolicyResult result = ReportJson.read(node);
                Counts counts = new Counts();
                counts.successes = result.successes();
                counts.failures = result.failures();
                result.failureDetails().forEach(f -> counts.details.put(f.detail(), f.sessions()));
                d.policies.put(result.policy(), counts);
            }
        } catch (NoSuchFileException e) {
            // nothing recorded yet
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("TLS results in {} unreadable, starting over: {}", file, e.getMessage());
        }
        return d;
    }

    private void save(Day d) {
        if (d.discarded) {
            return;
        }
        ObjectNode root = ReportJson.JSON.createObjectNode();
        ArrayNode policies = root.putArray("policies");
        d.snapshot().forEach(r -> policies.add(ReportJson.write(r)));
        try {
            byte[] bytes = ReportJson.JSON.writeValueAsBytes(root);
            CarrierOffload.call(() -> {
                PrivateDirectories.create(dir);
                DurableFiles.createDirectories(d.file.getParent());
                // Rename for atomicity but no fsync: a session count lost to a power cut is not worth a disk
                // flush per delivery, and a torn file cannot happen.
                Path temp = d.file.resolveSibling(d.file.getFileName() + ".tmp");
                Files.write(temp, bytes);
                Files.move(temp, d.file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                return null;
            });
        } catch (IOException e) {
            LOG.warn("could not save TLS results to {}: {}", d.file, e.getMessage());
        }
    }

    static boolean storable(String domain) {
        return domain.length() <= 253 && DOMAIN.matcher(domain).matches();
    }

    private static Stream<LocalDate> day(String name) {
        try {
            return Stream.of(LocalDate.parse(name));
        } catch (DateTimeParseException e) {
            return Stream.empty();
        }
    }

    /** One domain's results of one day; guarded by its lock. */
    private static final class Day {
        final Path file;
        final ReentrantLock lock = new ReentrantLock();
        final Map<TlsPolicy, Counts> policies = new LinkedHashMap<>();
        volatile boolean discarded;

        Day(Path file) {
            this.file = file;
        }

        List<PolicyResult> snapshot() {
            List<PolicyResult> results = new ArrayList<>();
            policies.forEach((policy, counts) -> results.add(new PolicyResult(policy, counts.successes, counts.failures,
                    counts.details.entrySet().stream()
                            .map(e -> new PolicyResult.FailureCount(e.getKey(), e.getValue())).toList())));
            return results;
        }
    }

    private static final class Counts {
        long successes;
        long failures;
        final Map<FailureDetail, Long> details = new LinkedHashMap<>();
    }
}
