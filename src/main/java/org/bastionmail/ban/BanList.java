package org.bastionmail.ban;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.bastionmail.config.Config;
import org.bastionmail.io.CarrierOffload;
import org.bastionmail.net.AuthFailures;
import org.bastionmail.net.Blocklist;
import org.bastionmail.net.Cidr;
import org.bastionmail.net.ClientNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clients banned for guessing passwords: after {@code failures} failed logins within {@code window}, across
 * SMTP, IMAP and POP3, a client ({@link ClientNetwork}: an IPv4 address or an IPv6 /64) is refused at accept
 * time for {@code firstBan}, doubled at each new ban up to {@code maxBan}. Allow-listed networks are never banned.
 *
 * <p>Bans live in {@code bans.json} in the data dir, which the server and {@code bastion ban} both change
 * under a file lock, each rewriting it atomically; the server re-reads it when it changed, so a ban added
 * or lifted from the command line takes effect within a second or so. Failure counts are kept in memory only.
 */
public final class BanList implements Blocklist, AuthFailures {
    private static final Logger LOG = LoggerFactory.getLogger(BanList.class);
    static final String FILE = "bans.json";
    private static final long MAX_FILE_SIZE = 16L << 20;
    private static final long RECHECK_MILLIS = 1000;
    private static final int PRUNE_ABOVE = 10_000;
    /** Two BanLists of one JVM (the server and a command run by a test) must not both take the file lock. */
    private static final Object JVM_LOCK = new Object();
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param failures failed logins that lead to a ban
     * @param window the time those failures must fall within
     * @param firstBan how long a first ban lasts; each later one lasts twice the one before
     * @param maxBan the longest a ban lasts; a client's ban count is forgotten this long after its ban ended
     * @param allow networks never banned
     */
    public record Settings(int failures, Duration window, Duration firstBan, Duration maxBan, List<Cidr> allow) {
        public Settings {
            allow = List.copyOf(allow);
            if (failures < 1 || !window.isPositive() || !firstBan.isPositive() || maxBan.compareTo(firstBan) < 0) {
                throw new IllegalArgumentException("ban settings out of range");
            }
        }

        /** The settings of {@code [defence]}; the loader has checked every network. */
        public static Settings of(Config.Defence defence) {
            return new Settings(defence.authFailures(), defence.authFailureWindow(), defence.banTime(),
                    defence.banTimeMax(), defence.allowNetworks().stream().map(Cidr::parse).toList());
        }

        /** 10 failures in 10 minutes; 15 minutes, doubling up to a week; loopback never banned. */
        public static Settings defaults() {
            return new Settings(10, Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofDays(7),
                    List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")));
        }
    }

    /**
     * A ban.
     *
     * @param until when it ends
     * @param strikes how many bans in a row this client has earned; sets the next one's length
     */
    public record Ban(ClientNetwork network, Instant until, int strikes) {}

    private final Path file;
    private final Path lockFile;
    private final Settings settings;
    private final Clock clock;
    private final Map<ClientNetwork, ArrayDeque<Instant>> failures = new HashMap<>();
    private volatile Map<ClientNetwork, Ban> bans = Map.of();
    private volatile FileStamp loaded = FileStamp.NONE;
    private volatile long nextCheck;

    private BanList(Path dataDir, Settings settings, Clock clock) {
        this.file = dataDir.resolve(FILE);
        this.lockFile = dataDir.resolve(FILE + ".lock");
        this.settings = settings;
        this.clock = clock;
    }

    /** Opens the ban list of {@code dataDir}, reading the bans saved there. */
    public static BanList open(Path dataDir, Settings settings, Clock clock) throws IOException {
        BanList list = new BanList(dataDir, settings, clock);
        FileStamp stamp = FileStamp.of(list.file);
        list.bans = read(list.file);
        list.loaded = stamp;
        return list;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public boolean blocks(InetAddress client) {
        refresh();
        Ban ban = bans.get(ClientNetwork.of(client));
        return ban != null && ban.until().isAfter(clock.instant());
    }

    /** Whether {@code client} is on the allow list, and so never banned. */
    public boolean allowed(InetAddress client) {
        return settings.allow().stream().anyMatch(c -> c.contains(client));
    }

    @Override
    public void failed(InetAddress client, String protocol) {
        if (allowed(client) || blocks(client)) {
            return;
        }
        ClientNetwork network = ClientNetwork.of(client);
        Instant now = clock.instant();
        synchronized (failures) {
            if (failures.size() > PRUNE_ABOVE) {
                failures.values().removeIf(times -> times.peekLast().isBefore(now.minus(settings.window())));
            }
            ArrayDeque<Instant> times = failures.computeIfAbsent(network, n -> new ArrayDeque<>());
            times.addLast(now);
            while (times.peekFirst().isBefore(now.minus(settings.window())) || times.size() > settings.failures()) {
                times.removeFirst();
            }
            if (times.size() < settings.failures()) {
                return;
            }
            failures.remove(network);
        }
        Consumer<Map<ClientNetwork, Ban>> change = saved -> {
            Ban previous = saved.get(network);
            int strikes = previous == null ? 1 : previous.strikes() + 1;
            saved.put(network, new Ban(network, now.plus(length(strikes)), strikes));
        };
        Ban ban;
        try {
            ban = CarrierOffload.call(() -> update(change)).get(network);
        } catch (IOException | RuntimeException e) {
            // the ban holds in memory all the same; it is lost at the next restart
            LOG.error("{}: cannot save the ban of {}: {}", file, network, e.getMessage());
            Map<ClientNetwork, Ban> inMemory = new HashMap<>(bans);
            change.accept(inMemory);
            bans = Map.copyOf(inMemory);
            ban = inMemory.get(network);
        }
        LOG.warn("banned {} until {} after {} failed logins (last over {}), ban {}", network, ban.until(),
                settings.failures(), protocol, ban.strikes());
    }

    /**
     * Nothing is forgiven on success: a guesser who holds one account could otherwise reset its count
     * between guesses at the others.
     */
    @Override
    public void succeeded(InetAddress client, String protocol) {
        LOG.debug("login from {} over {}", client.getHostAddress(), protocol);
    }

    /** The bans in force now, soonest ending first. */
    public List<Ban> active() {
        refresh();
        Instant now = clock.instant();
        return bans.values().stream().filter(b -> b.until().isAfter(now))
                .sorted(Comparator.comparing(Ban::until)).toList();
    }

    /**
     * Bans {@code network} for {@code duration} from now, whatever it earned so far.
     *
     * @throws IllegalArgumentException if the network is allow-listed
     */
    public Ban ban(ClientNetwork network, Duration duration) throws IOException {
        if (allowed(network.address())) {
            throw new IllegalArgumentException(network + " is on the allow list and cannot be banned");
        }
        Instant until = clock.instant().plus(duration);
        return CarrierOffload.call(() -> update(saved -> {
            Ban previous = saved.get(network);
            saved.put(network, new Ban(network, until, previous == null ? 1 : previous.strikes()));
        }).get(network));
    }

    /** Lifts the ban of {@code network} and forgets its history; false if it had none. */
    public boolean lift(ClientNetwork network) throws IOException {
        boolean[] had = new boolean[1];
        CarrierOffload.call(() -> update(saved -> had[0] = saved.remove(network) != null));
        synchronized (failures) {
            failures.remove(network);
        }
        return had[0];
    }

    private Duration length(int strikes) {
        Duration length = settings.firstBan().multipliedBy(1L << Math.min(strikes - 1, 30));
        return length.compareTo(settings.maxBan()) > 0 ? settings.maxBan() : length;
    }

    /** Re-reads the file if it changed since it was last read, at most once a second. */
    private void refresh() {
        long now = clock.millis();
        if (now < nextCheck) {
            return;
        }
        nextCheck = now + RECHECK_MILLIS;
        try {
            FileStamp stamp = FileStamp.of(file);
            if (!stamp.equals(loaded)) {
                adopt(read(file), stamp);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: cannot re-read, keeping the bans known: {}", file, e.getMessage());
        }
    }

    /** Read, change, write under the lock, so that the server and a command do not undo each other's change. */
    private Map<ClientNetwork, Ban> update(Consumer<Map<ClientNetwork, Ban>> change) throws IOException {
        synchronized (JVM_LOCK) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                Map<ClientNetwork, Ban> saved = new HashMap<>(read(file));
                // a client whose last ban ended longer ago than the longest ban starts afresh
                Instant forgetBefore = clock.instant().minus(settings.maxBan());
                saved.values().removeIf(b -> b.until().isBefore(forgetBefore));
                change.accept(saved);
                write(saved);
                adopt(saved, FileStamp.of(file));
                return saved;
            }
        }
    }

    private void adopt(Map<ClientNetwork, Ban> newBans, FileStamp stamp) {
        Map<ClientNetwork, Ban> old = bans;
        bans = Map.copyOf(newBans);
        loaded = stamp;
        synchronized (failures) {
            // a ban lifted with bastion ban del starts the client afresh
            old.keySet().stream().filter(n -> !newBans.containsKey(n)).forEach(failures::remove);
        }
    }

    private static Map<ClientNetwork, Ban> read(Path file) throws IOException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_SIZE) {
                throw new IOException(file + ": larger than " + MAX_FILE_SIZE + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Map.of();
        }
        Map<ClientNetwork, Ban> bans = new HashMap<>();
        JsonNode list = JSON.readTree(bytes).path("bans");
        if (!list.isArray()) {
            throw new IOException(file + ": no \"bans\" list");
        }
        for (JsonNode entry : list) {
            try {
                ClientNetwork network = ClientNetwork.parse(entry.path("network").asText());
                if (!entry.path("until").canConvertToLong() || !entry.path("strikes").canConvertToInt()) {
                    throw new IllegalArgumentException("until and strikes must be numbers");
                }
                Instant until = Instant.ofEpochSecond(entry.path("until").asLong());
                bans.put(network, new Ban(network, until, Math.max(1, entry.path("strikes").asInt())));
            } catch (IllegalArgumentException | java.time.DateTimeException e) {
                LOG.warn("{}: skipping a bad entry {}: {}", file, entry, e.getMessage());
            }
        }
        return bans;
    }

    private void write(Map<ClientNetwork, Ban> bans) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("bans");
        bans.values().stream().sorted(Comparator.comparing(b -> b.network().text())).forEach(b -> list.addObject()
                .put("network", b.network().text())
                .put("until", b.until().getEpochSecond())
                .put("strikes", b.strikes()));
        Path temp = file.resolveSibling(FILE + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root)));
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** What tells a changed file: its modification time and size (a rewrite also gets a new inode). */
    private record FileStamp(Optional<Object> key, long modified, long size) {
        static final FileStamp NONE = new FileStamp(Optional.empty(), -1, -1);

        static FileStamp of(Path file) throws IOException {
            try {
                var attributes = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
                return new FileStamp(Optional.ofNullable(attributes.fileKey()), attributes.lastModifiedTime().toMillis(),
                        attributes.size());
            } catch (NoSuchFileException e) {
                return NONE;
            }
        }
    }
}
