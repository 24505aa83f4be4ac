package org.bastionmail.directory;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import org.bastionmail.config.Config;
import org.bastionmail.io.CarrierOffload;
import org.bastionmail.io.PrivateDirectories;
import org.bastionmail.mail.DomainNames;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.sasl.ScramCredentials;
import org.bastionmail.sasl.ScramKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The directory in {@code <dataDir>/directory.db}, an SQLite database in WAL mode shared by the
 * running server and the CLI. Nothing is cached: every question reads the database, so a change made
 * by {@code bastion user add} in another process counts at once.
 */
public final class SqliteDirectory implements Directory {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteDirectory.class);
    static final String FILE_NAME = "directory.db";
    static final int BUSY_TIMEOUT_MS = 10_000;
    /** RFC 5321 4.5.3.1.3 limits a path to 256 octets; a little slack for the stored form. */
    static final int MAX_ADDRESS = 320;

    private final Config config;
    private final Set<String> configuredDomains;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private final PasswordHash passwords;

    private SqliteDirectory(Config config, Connection connection, PasswordHash passwords) {
        this.config = config;
        this.connection = connection;
        this.passwords = passwords;
        Set<String> domains = new LinkedHashSet<>();
        config.domains().forEach(d -> domains.add(lower(d)));
        this.configuredDomains = Set.copyOf(domains);
    }

    /** Opens (creating or migrating if needed) the directory database in {@code dataDir}. */
    public static SqliteDirectory open(Path dataDir, Config config) {
        try {
            return CarrierOffload.call(() -> {
                PrivateDirectories.create(dataDir);
                SQLiteConfig sqlite = new SQLiteConfig();
                sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL); // readers never wait for the CLI's writes
                sqlite.setBusyTimeout(BUSY_TIMEOUT_MS);
                // Take the write lock when a transaction begins: a read-then-write transaction that
                // upgrades later would fail at once with SQLITE_BUSY instead of waiting.
                sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
                Connection connection = DriverManager.getConnection(
                        "jdbc:sqlite:" + dataDir.resolve(FILE_NAME), sqlite.toProperties());
                SqliteDirectory directory = new SqliteDirectory(config, connection, new PasswordHash());
                try {
                    directory.write(c -> {
                        DirectorySchema.migrate(c);
                        directory.ensureDefaultPostmaster(c);
                        return null;
                    });
                } catch (RuntimeException e) {
                    connection.close();
                    throw e;
                }
                return directory;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) { // IOException, SQLException
            throw new IllegalStateException("cannot open the directory in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    // ---- lookups used while receiving mail ----

    @Override
    public boolean isLocalDomain(String domain) {
        return read(c -> lookup(c).isLocalDomain(domain));
    }

    @Override
    public Resolution resolve(MailAddress address) {
        return read(c -> resolve(c, address, true));
    }

    @Override
    public boolean mayUseAddress(String account, MailAddress address) {
        String own = lower(account);
        if (Expansion.isRelayTrick(address.localPart())) {
            return false;
        }
        if (address.canonical().equals(own)) {
            return true;
        }
        // Its +tag variants, and aliases that deliver to it (resolution takes care of both).
        return read(c -> resolve(c, address, false)) instanceof Resolution.Deliver deliver
                && deliver.accounts().contains(own);
    }

    private Resolution resolve(Connection c, MailAddress address, boolean createPostmaster) throws SQLException {
        Expansion.Lookup lookup = lookup(c);
        if (!lookup.isLocalDomain(address.domain())) {
            return new Resolution.NotLocal();
        }
        // RFC 5321 4.5.1: postmaster is case-insensitive and must always be accepted.
        if (address.localPart().equalsIgnoreCase("postmaster")) {
            return postmaster(c, lookup, address.domain(), createPostmaster);
        }
        if (Expansion.isRelayTrick(address.localPart())) {
            return new Resolution.UnknownUser();
        }
        Expansion expansion = Expansion.of(address, lookup);
        if (!expansion.loop().isEmpty() || expansion.tooDeep()) {
            LOG.warn("alias expansion of {} was cut short: loop {} too deep {}", address.canonical(),
                    expansion.loop(), expansion.tooDeep());
        }
        return expansion.isEmpty()
                ? new Resolution.UnknownUser()
                : new Resolution.Deliver(expansion.accounts(), expansion.forwards());
    }

    private Resolution postmaster(Connection c, Expansion.Lookup lookup, String domain, boolean create)
            throws SQLException {
        MailAddress target = config.postmaster().orElseGet(() -> defaultPostmaster(c).orElseGet(
                () -> new MailAddress("postmaster", domain)));
        Expansion expansion = Expansion.of(target, lookup);
        if (!expansion.isEmpty()) {
            return new Resolution.Deliver(expansion.accounts(), expansion.forwards());
        }
        if (create) {
            createPasswordlessUser(c, target.canonical());
        }
        return new Resolution.Deliver(List.of(target.canonical()), List.of());
    }

    /** postmaster@ the first local domain: the configured primary one, else the first added. */
    private Optional<MailAddress> defaultPostmaster(Connection c) {
        Optional<String> first = config.primaryDomain().map(SqliteDirectory::lower);
        if (first.isEmpty()) {
            first = query(c, "SELECT MIN(name) FROM domains", ps -> {}, rs -> rs.getString(1));
        }
        return first.map(d -> new MailAddress("postmaster", d));
    }

    private void ensureDefaultPostmaster(Connection c) throws SQLException {
        if (config.postmaster().isPresent()) {
            return;
        }
        Optional<MailAddress> postmaster = defaultPostmaster(c);
        if (postmaster.isPresent()) {
            String account = postmaster.get().canonical();
            if (lookup(c).aliasTargets(account).isEmpty()) {
                createPasswordlessUser(c, account);
            }
        }
    }

    /** A user that receives mail but cannot log in (no password, no SCRAM keys). */
    private static void createPasswordlessUser(Connection c, String account) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (account, quota, created) "
                + "SELECT ?, 0, ? WHERE NOT EXISTS (SELECT 1 FROM users WHERE account = ?)")) {
            ps.setString(1, account);
            ps.setLong(2, System.currentTimeMillis());
            ps.setString(3, account);
            if (ps.executeUpdate() > 0) {
                LOG.info("created account {} for postmaster mail; it cannot log in until a password is set", account);
            }
        }
    }

    // ---- authentication ----

    @Override
    public Optional<String> verifyPassword(String username, byte[] password) {
        String account = lower(username);
        Optional<String> stored = account.length() > MAX_ADDRESS ? Optional.empty() : read(c -> query(c,
                "SELECT password_hash FROM users WHERE account = ? AND password_hash IS NOT NULL",
                ps -> ps.setString(1, account), rs -> rs.getString(1)));
        // The slow hash runs whether or not the user exists, so timing does not tell.
        return CarrierOffload.call(() -> {
            if (stored.isEmpty()) {
                passwords.verifyDummy(password);
                return Optional.<String>empty();
            }
            return passwords.verify(stored.get(), password) ? Optional.of(account) : Optional.<String>empty();
        });
    }

    @Override
    public Optional<ScramCredentials> scramCredentials(String username) {
        String account = lower(username);
        if (account.length() > MAX_ADDRESS) {
            return Optional.empty();
        }
        Base64.Decoder b64 = Base64.getDecoder();
        return read(c -> query(c, "SELECT scram_salt, scram_iterations, scram_stored_key, scram_server_key "
                        + "FROM users WHERE account = ? AND scram_salt IS NOT NULL",
                ps -> ps.setString(1, account),
                rs -> new ScramCredentials(account, b64.decode(rs.getString(1)), rs.getInt(2),
                        b64.decode(rs.getString(3)), b64.decode(rs.getString(4)))));
    }

    // ---- administration ----

    @Override
    public void addDomain(String domain) {
        String name = DomainNames.normalise(domain);
        if (configuredDomains.contains(name)) {
            throw new IllegalArgumentException("domain " + name + " is already local: it is in the configuration file");
        }
        write(c -> {
            if (exists(c, "SELECT 1 FROM domains WHERE name = ?", name)) {
                throw new IllegalArgumentException("domain " + name + " already exists");
            }
            update(c, "INSERT INTO domains (name, created) VALUES (?, ?)", name, System.currentTimeMillis());
            ensureDefaultPostmaster(c);
            return null;
        });
    }

    @Override
    public void deleteDomain(String domain) {
        String name = lower(domain);
        if (configuredDomains.contains(name)) {
            throw new IllegalArgumentException("domain " + name + " is set in the configuration file"
                    + config.source().map(p -> " (" + p + ")").orElse("") + "; remove it there instead");
        }
        write(c -> {
            if (!exists(c, "SELECT 1 FROM domains WHERE name = ?", name)) {
                throw new IllegalArgumentException("no such domain: " + name);
            }
            String pattern = "%@" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
            String autoPostmaster = "postmaster@" + name;
            long users = count(c, "SELECT COUNT(*) FROM users WHERE account LIKE ? ESCAPE '\\' "
                    + "AND NOT (account = ? AND password_hash IS NULL)", pattern, autoPostmaster);
            long aliases = count(c, "SELECT COUNT(DISTINCT alias) FROM aliases WHERE alias LIKE ? ESCAPE '\\'", pattern);
            if (users > 0 || aliases > 0) {
                throw new IllegalArgumentException("domain " + name + " still has " + users + " user(s) and "
                        + aliases + " alias(es); delete them first");
            }
            update(c, "DELETE FROM users WHERE account = ? AND password_hash IS NULL", autoPostmaster);
            update(c, "DELETE FROM domains WHERE name = ?", name);
            return null;
        });
    }

    @Override
    public Set<String> domains() {
        Set<String> all = new TreeSet<>(configuredDomains);
        all.addAll(read(c -> list(c, "SELECT name FROM domains", ps -> {}, rs -> rs.getString(1))));
        return all;
    }

    /** Adds a user; the caller keeps (and should clear) its {@code password} array. */
    @Override
    public void addUser(MailAddress address, char[] password) {
        String account = checkedAccount(address);
        Secrets secrets = secrets(account, password);
        write(c -> {
            Expansion.Lookup lookup = lookup(c);
            if (!lookup.isLocalDomain(address.domain())) {
                throw new IllegalArgumentException("domain " + address.domain() + " is not local; add it first");
            }
            if (lookup.isUser(account)) {
                throw new IllegalArgumentException("user " + account + " already exists");
            }
            if (!lookup.aliasTargets(account).isEmpty()) {
                throw new IllegalArgumentException(account + " is an alias; delete the alias first");
            }
            ScramCredentials s = secrets.scram();
            Base64.Encoder b64 = Base64.getEncoder();
            update(c, "INSERT INTO users (account, password_hash, scram_salt, scram_iterations, scram_stored_key, "
                            + "scram_server_key, quota, created) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
                    account, secrets.phc(), b64.encodeToString(s.salt()), s.iterations(),
                    b64.encodeToString(s.storedKey()), b64.encodeToString(s.serverKey()), System.currentTimeMillis());
            return null;
        });
    }

    @Override
    public void setPassword(MailAddress address, char[] password) {
        String account = address.canonical();
        Secrets secrets = secrets(account, password);
        ScramCredentials s = secrets.scram();
        Base64.Encoder b64 = Base64.getEncoder();
        int changed = write(c -> update(c, "UPDATE users SET password_hash = ?, scram_salt = ?, scram_iterations = ?, "
                        + "scram_stored_key = ?, scram_server_key = ? WHERE account = ?",
                secrets.phc(), b64.encodeToString(s.salt()), s.iterations(), b64.encodeToString(s.storedKey()),
                b64.encodeToString(s.serverKey()), account));
        if (changed == 0) {
            throw new IllegalArgumentException("no such user: " + account);
        }
    }

    @Override
    public void setQuota(MailAddress address, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("quota must be 0 (the default) or a number of bytes");
        }
        String account = address.canonical();
        if (write(c -> update(c, "UPDATE users SET quota = ? WHERE account = ?", bytes, account)) == 0) {
            throw new IllegalArgumentException("no such user: " + account);
        }
    }

    @Override
    public long quota(String account) {
        long own = read(c -> query(c, "SELECT quota FROM users WHERE account = ?",
                ps -> ps.setString(1, lower(account)), rs -> rs.getLong(1))).orElse(0L);
        return own > 0 ? own : config.limits().mailboxQuota();
    }

    @Override
    public void deleteUser(MailAddress address) {
        String account = address.canonical();
        if (write(c -> update(c, "DELETE FROM users WHERE account = ?", account)) == 0) {
            throw new IllegalArgumentException("no such user: " + account);
        }
    }

    @Override
    public List<String> users() {
        return read(c -> list(c, "SELECT account FROM users ORDER BY account", ps -> {}, rs -> rs.getString(1)));
    }

    /**
     * Adds an alias, or more targets to an existing one. Local targets must be users or aliases
     * already; outside addresses are forwarded to.
     */
    @Override
    public void addAlias(MailAddress alias, List<MailAddress> targets) {
        String key = checkedAccount(alias);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("an alias needs at least one target");
        }
        for (MailAddress target : targets) {
            if (Expansion.isRelayTrick(target.localPart()) || target.canonical().length() > MAX_ADDRESS) {
                throw new IllegalArgumentException("not a usable target address: " + target);
            }
        }
        write(c -> {
            Expansion.Lookup lookup = lookup(c);
            if (!lookup.isLocalDomain(alias.domain())) {
                throw new IllegalArgumentException("domain " + alias.domain() + " is not local; add it first");
            }
            if (lookup.isUser(key)) {
                throw new IllegalArgumentException(key + " is a user; an alias cannot have the same address");
            }
            Map<String, MailAddress> merged = new LinkedHashMap<>();
            for (MailAddress t : lookup.aliasTargets(key)) {
                merged.put(stored(lookup, t), t);
            }
            List<String> added = new ArrayList<>();
            for (MailAddress t : targets) {
                if (merged.putIfAbsent(stored(lookup, t), t) == null) {
                    added.add(stored(lookup, t));
                }
            }
            List<MailAddress> all = List.copyOf(merged.values());
            // Check the graph as it would be with the new targets.
            Expansion.Lookup after = new Expansion.Lookup() {
                @Override
                public boolean isLocalDomain(String domain) {
                    return lookup.isLocalDomain(domain);
                }

                @Override
                public boolean isUser(String account) {
                    return lookup.isUser(account);
                }

                @Override
                public List<MailAddress> aliasTargets(String a) {
                    return a.equals(key) ? all : lookup.aliasTargets(a);
                }
            };
            Expansion expansion = Expansion.of(alias, after);
            if (!expansion.loop().isEmpty()) {
                throw new IllegalArgumentException("alias loop: " + String.join(" -> ", expansion.loop()));
            }
            if (expansion.tooDeep()) {
                throw new IllegalArgumentException("aliases nested deeper than " + Expansion.MAX_DEPTH);
            }
            for (MailAddress t : targets) {
                if (lookup.isLocalDomain(t.domain()) && Expansion.of(t, after).isEmpty()) {
                    throw new IllegalArgumentException("target " + t.canonical() + " is neither a user nor an alias");
                }
            }
            for (String target : added) {
                update(c, "INSERT INTO aliases (alias, target) VALUES (?, ?)", key, target);
            }
            return null;
        });
    }

    @Override
    public void deleteAlias(MailAddress alias) {
        String key = alias.canonical();
        if (write(c -> update(c, "DELETE FROM aliases WHERE alias = ?", key)) == 0) {
            throw new IllegalArgumentException("no such alias: " + key);
        }
    }

    @Override
    public List<String> aliases() {
        Map<String, List<String>> byAlias = new LinkedHashMap<>();
        read(c -> list(c, "SELECT alias, target FROM aliases ORDER BY alias, target", ps -> {},
                rs -> byAlias.computeIfAbsent(rs.getString(1), a -> new ArrayList<>()).add(rs.getString(2))));
        List<String> lines = new ArrayList<>();
        byAlias.forEach((alias, targets) -> lines.add(alias + " -> " + String.join(", ", targets)));
        return lines;
    }

    @Override
    public void close() {
        read(c -> {
            c.close();
            return null;
        });
    }

    // ---- helpers ----

    /** How a target is stored: local ones by their lookup key, outside ones as given (RFC 5321 2.4). */
    private static String stored(Expansion.Lookup lookup, MailAddress target) {
        return lookup.isLocalDomain(target.domain()) ? target.canonical() : target.localPart() + "@" + target.domain();
    }

    private static String checkedAccount(MailAddress address) {
        if (Expansion.isRelayTrick(address.localPart())) {
            throw new IllegalArgumentException("a local part may not be empty, start with @ or contain %, ! or @: "
                    + address);
        }
        String account = address.canonical();
        if (account.length() > MAX_ADDRESS) {
            throw new IllegalArgumentException("address too long: " + address);
        }
        return account;
    }

    private record Secrets(String phc, ScramCredentials scram) {}

    /** The Argon2id hash and SCRAM keys of a new password, computed off the carrier. */
    private Secrets secrets(String account, char[] password) {
        if (password.length == 0) {
            throw new IllegalArgumentException("password must not be empty");
        }
        return CarrierOffload.call(() -> {
            ScramCredentials scram;
            try {
                scram = ScramKeys.derive(account, password);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unusable password: " + e.getMessage(), e);
            }
            ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            if (encoded.hasArray()) {
                Arrays.fill(encoded.array(), (byte) 0);
            }
            try {
                return new Secrets(passwords.hash(bytes), scram);
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        });
    }

    private Expansion.Lookup lookup(Connection c) {
        return new Expansion.Lookup() {
            @Override
            public boolean isLocalDomain(String domain) {
                String name = lower(domain);
                return configuredDomains.contains(name) || exists(c, "SELECT 1 FROM domains WHERE name = ?", name);
            }

            @Override
            public boolean isUser(String account) {
                return exists(c, "SELECT 1 FROM users WHERE account = ?", account);
            }

            @Override
            public List<MailAddress> aliasTargets(String alias) {
                return list(c, "SELECT target FROM aliases WHERE alias = ? ORDER BY target",
                        ps -> ps.setString(1, alias), rs -> MailAddress.parse(rs.getString(1)));
            }
        };
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Runs {@code work} on the connection, off the carrier, one caller at a time. */
    private <T> T read(SqlWork<T> work) {
        try {
            return CarrierOffload.call(() -> {
                lock.lock();
                try {
                    return work.run(connection);
                } finally {
                    lock.unlock();
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("directory database error: " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} in one write transaction, rolled back if it throws. */
    private <T> T write(SqlWork<T> work) {
        return read(c -> {
            c.setAutoCommit(false);
            boolean committed = false;
            try {
                T result = work.run(c);
                c.commit();
                committed = true;
                return result;
            } finally {
                if (!committed) {
                    try {
                        c.rollback();
                    } catch (SQLException e) {
                        LOG.warn("rollback failed", e);
                    }
                }
                c.setAutoCommit(true);
            }
        });
    }

    private static <T> Optional<T> query(Connection c, String sql, Binder binder, Row<T> row) {
        List<T> rows = list(c, sql, binder, row);
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.getFirst());
    }

    private static <T> List<T> list(Connection c, String sql, Binder binder, Row<T> row) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.map(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("directory database error: " + e.getMessage(), e);
        }
    }

    private static boolean exists(Connection c, String sql, String value) {
        return !list(c, sql, ps -> ps.setString(1, value), rs -> Boolean.TRUE).isEmpty();
    }

    private static long count(Connection c, String sql, Object... values) {
        return query(c, sql, ps -> bindAll(ps, values), rs -> rs.getLong(1)).orElse(0L);
    }

    private static int update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindAll(ps, values);
            return ps.executeUpdate();
        }
    }

    private static void bindAll(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            ps.setObject(i + 1, values[i]);
        }
    }
}
