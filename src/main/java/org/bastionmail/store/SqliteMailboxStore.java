package org.bastionmail.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.bastionmail.io.CarrierOffload;
import org.bastionmail.io.DurableFiles;

/**
 * The mailbox store on local disk: an SQLite index ({@code store/index.db}, WAL, synchronous=FULL)
 * and one file per message ({@code store/messages/<mailbox id>/<uid>.eml}).
 *
 * <p>File names are made only of numbers the store chose, so no mailbox or account name can reach
 * the file system. A delivery writes and fsyncs the content file before it commits the index row;
 * a crash in between leaves a file at the mailbox's UIDNEXT that no row points to, and the next
 * delivery to that mailbox overwrites it. (It is not removed at open: a second process opening the
 * store, such as the CLI, would race with a delivery in progress.)
 *
 * <p>One connection serves the process, guarded by a lock; every statement runs on a platform thread
 * through {@link CarrierOffload}.
 */
public final class SqliteMailboxStore implements MailboxStore {
    private static final int MAX_ACCOUNT_LENGTH = 320;
    private static final int MAX_DELIVERY_KEY_LENGTH = 512;
    private static final long MAX_UID = 0xFFFF_FFFFL; // RFC 9051 2.3.1.1: a 32-bit value

    private final Connection db;
    private final Path messagesDir;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private SqliteMailboxStore(Connection db, Path messagesDir) {
        this.db = db;
        this.messagesDir = messagesDir;
    }

    /** Opens (creating if needed) the store under {@code dataDir/store}. */
    public static SqliteMailboxStore open(Path dataDir) throws IOException {
        return CarrierOffload.call(() -> {
            Path storeDir = dataDir.resolve("store");
            Path messagesDir = storeDir.resolve("messages");
            DurableFiles.createDirectories(messagesDir);
            try {
                Connection db = DriverManager.getConnection("jdbc:sqlite:" + storeDir.resolve("index.db"));
                try {
                    try (Statement st = db.createStatement()) {
                        st.execute("PRAGMA journal_mode=WAL");
                        // FULL: a committed transaction survives a power cut, not only a crash.
                        st.execute("PRAGMA synchronous=FULL");
                        st.execute("PRAGMA foreign_keys=ON");
                        st.execute("PRAGMA busy_timeout=10000");
                    }
                    Schema.migrate(db);
                } catch (SQLException e) {
                    db.close();
                    throw e;
                }
                return new SqliteMailboxStore(db, messagesDir);
            } catch (SQLException e) {
                throw new IOException("cannot open the mailbox store in " + storeDir + ": " + e.getMessage(), e);
            }
        });
    }

    @FunctionalInterface
    private interface DbWork<T> {
        T run() throws SQLException, IOException;
    }

    /** Runs {@code work} with the connection to itself, on a platform thread. */
    private <T> T withDb(DbWork<T> work) throws IOException {
        return CarrierOffload.call(() -> {
            lock.lock();
            try {
                if (closed) {
                    throw new IOException("the mailbox store is closed");
                }
                return work.run();
            } catch (SQLException e) {
                throw new IOException("mailbox store: " + e.getMessage(), e);
            } finally {
                lock.unlock();
            }
        });
    }

    /** Runs {@code work} in a transaction that commits unless it throws. Call inside {@link #withDb}. */
    private <T> T transaction(DbWork<T> work) throws SQLException, IOException {
        db.setAutoCommit(false);
        try {
            T result = work.run();
            db.commit();
            return result;
        } catch (SQLException | IOException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    @Override
    public void ensureAccount(String account) throws IOException {
        checkAccount(account);
        withDb(() -> transaction(() -> {
            try (PreparedStatement ps = db.prepareStatement(
                    "INSERT INTO accounts (name, used_bytes) SELECT ?, 0"
                            + " WHERE NOT EXISTS (SELECT 1 FROM accounts WHERE name = ?)")) {
                ps.setString(1, account);
                ps.setString(2, account);
                ps.executeUpdate();
            }
            for (DefaultMailbox mailbox : DEFAULT_MAILBOXES) {
                if (findMailbox(account, mailbox.name()).isEmpty()) {
                    insertMailbox(account, mailbox.name(), mailbox.specialUse());
                }
            }
            return null;
        }));
    }

    @Override
    public Mailbox createMailbox(String account, String name, Optional<SpecialUse> specialUse) throws IOException {
        checkAccount(account);
        String canonical = Mailbox.checkName(name);
        return withDb(() -> transaction(() -> {
            if (!accountExists(account)) {
                throw new IllegalArgumentException("no such account: " + account);
            }
            if (findMailbox(account, canonical).isPresent()) {
                throw new IllegalArgumentException("mailbox exists: " + canonical);
            }
            insertMailbox(account, canonical, specialUse);
            return findMailbox(account, canonical).orElseThrow();
        }));
    }

    private void insertMailbox(String account, String name, Optional<SpecialUse> specialUse) throws SQLException {
        long id = nextMailboxId();
        // RFC 9051 2.3.1.1: UIDVALIDITY must differ whenever a name is reused. The creation time in
        // seconds does that, and taking one more than any value handed out keeps it strictly unique
        // even for mailboxes created within the same second.
        long uidValidity;
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(uid_validity), 0) FROM mailboxes")) {
            rs.next();
            uidValidity = Math.max(Instant.now().getEpochSecond(), rs.getLong(1) + 1);
        }
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT INTO mailboxes (id, account, name, uid_validity, uid_next, highest_modseq, special_use,"
                        + " subscribed) VALUES (?, ?, ?, ?, 1, 1, ?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, account);
            ps.setString(3, name);
            ps.setLong(4, uidValidity);
            ps.setString(5, specialUse.map(SpecialUse::attribute).orElse(null));
            ps.setBoolean(6, true);
            ps.executeUpdate();
        }
    }

    private long nextMailboxId() throws SQLException {
        try (Statement st = db.createStatement()) {
            st.executeUpdate("UPDATE sequences SET next_value = next_value + 1 WHERE name = 'mailbox_id'");
            try (ResultSet rs = st.executeQuery("SELECT next_value - 1 FROM sequences WHERE name = 'mailbox_id'")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public List<Mailbox> mailboxes(String account) throws IOException {
        return withDb(() -> {
            List<Mailbox> result = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement(MAILBOX_COLUMNS + " WHERE account = ? ORDER BY name")) {
                ps.setString(1, account);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(mailbox(rs));
                    }
                }
            }
            return result;
        });
    }

    @Override
    public Optional<Mailbox> mailbox(String account, String name) throws IOException {
        return withDb(() -> findMailbox(account, lenientName(name)));
    }

    private static final String MAILBOX_COLUMNS = "SELECT id, account, name, uid_validity, uid_next, highest_modseq,"
            + " special_use, subscribed FROM mailboxes";

    private Optional<Mailbox> findMailbox(String account, String name) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(MAILBOX_COLUMNS + " WHERE account = ? AND name = ?")) {
            ps.setString(1, account);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(mailbox(rs)) : Optional.empty();
            }
        }
    }

    private static Mailbox mailbox(ResultSet rs) throws SQLException {
        return new Mailbox(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6), Optional.ofNullable(rs.getString(7)).flatMap(SpecialUse::fromAttribute),
                rs.getBoolean(8));
    }

    @Override
    public List<StoredMessage> messages(String account, String mailbox) throws IOException {
        return withDb(() -> {
            Optional<Mailbox> box = findMailbox(account, lenientName(mailbox));
            if (box.isEmpty()) {
                return List.of();
            }
            List<StoredMessage> result = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement(MESSAGE_COLUMNS + " WHERE mailbox_id = ? ORDER BY uid")) {
                ps.setLong(1, box.get().id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(message(rs));
                    }
                }
            }
            return result;
        });
    }

    private static final String MESSAGE_COLUMNS = "SELECT uid, modseq, flags, internal_date, size FROM messages";

    private Optional<StoredMessage> findMessage(long mailboxId, long uid) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(MESSAGE_COLUMNS + " WHERE mailbox_id = ? AND uid = ?")) {
            ps.setLong(1, mailboxId);
            ps.setLong(2, uid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(message(rs)) : Optional.empty();
            }
        }
    }

    private static StoredMessage message(ResultSet rs) throws SQLException {
        String flags = rs.getString(3);
        return new StoredMessage(rs.getLong(1), rs.getLong(2), FlagCodec.flags(flags), FlagCodec.keywords(flags),
                Instant.ofEpochMilli(rs.getLong(4)), rs.getLong(5));
    }

    @Override
    public Optional<InputStream> openContent(String account, String mailbox, long uid) throws IOException {
        Optional<Path> file = withDb(() -> {
            Optional<Mailbox> box = findMailbox(account, lenientName(mailbox));
            if (box.isEmpty() || findMessage(box.get().id(), uid).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(contentFile(box.get().id(), uid));
        });
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.newInputStream(file.get()));
        } catch (NoSuchFileException e) {
            throw new IOException("the content of message " + uid + " in " + mailbox + " is missing", e);
        }
    }

    @Override
    public Optional<StoredMessage> setFlags(String account, String mailbox, long uid, Set<Flag> flags,
            Set<String> keywords) throws IOException {
        String encoded = FlagCodec.encode(flags, keywords);
        return withDb(() -> {
            Optional<Mailbox> box = findMailbox(account, lenientName(mailbox));
            if (box.isEmpty()) {
                return Optional.empty();
            }
            long mailboxId = box.get().id();
            db.setAutoCommit(false);
            try {
                long modSeq = bumpModSeq(mailboxId);
                int updated;
                try (PreparedStatement ps = db.prepareStatement(
                        "UPDATE messages SET flags = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?")) {
                    ps.setString(1, encoded);
                    ps.setLong(2, modSeq);
                    ps.setLong(3, mailboxId);
                    ps.setLong(4, uid);
                    updated = ps.executeUpdate();
                }
                if (updated == 0) {
                    db.rollback();
                    return Optional.empty();
                }
                Optional<StoredMessage> changed = findMessage(mailboxId, uid);
                db.commit();
                return changed;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        });
    }

    /** RFC 7162 3.1.1: each change gets a mod-sequence higher than any before it in the mailbox. */
    private long bumpModSeq(long mailboxId) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
                "UPDATE mailboxes SET highest_modseq = highest_modseq + 1 WHERE id = ?")) {
            ps.setLong(1, mailboxId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = db.prepareStatement("SELECT highest_modseq FROM mailboxes WHERE id = ?")) {
            ps.setLong(1, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public long usedBytes(String account) throws IOException {
        return withDb(() -> {
            try (PreparedStatement ps = db.prepareStatement("SELECT used_bytes FROM accounts WHERE name = ?")) {
                ps.setString(1, account);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public DeliveryOutcome deliver(String account, String mailbox, String deliveryKey, byte[] prefix, Path source,
            Instant internalDate, long quotaBytes) throws IOException {
        checkAccount(account);
        String name = Mailbox.checkName(mailbox);
        if (deliveryKey.isEmpty() || deliveryKey.length() > MAX_DELIVERY_KEY_LENGTH) {
            throw new IllegalArgumentException("a delivery key must be 1 to " + MAX_DELIVERY_KEY_LENGTH + " characters");
        }
        if (quotaBytes < 0) {
            throw new IllegalArgumentException("negative quota");
        }
        return withDb(() -> {
            long size = prefix.length + Files.size(source);
            Mailbox box = findMailbox(account, name)
                    .orElseThrow(() -> new IllegalArgumentException("no such mailbox: " + account + " " + name));
            db.setAutoCommit(false);
            Path written = null;
            try {
                // The first statement writes, so that it takes the database's write lock (or the row
                // lock, in PostgreSQL) before anything is read: the key check and the quota check
                // below then see every delivery that committed before.
                long modSeq = bumpModSeq(box.id());
                Optional<Long> earlier = deliveredUid(deliveryKey);
                if (earlier.isPresent()) {
                    db.rollback();
                    return new DeliveryOutcome.Duplicate(earlier.get());
                }
                long used = usedBytesLocked(account);
                if (size > quotaBytes - used) {
                    db.rollback();
                    return new DeliveryOutcome.OverQuota(used, quotaBytes);
                }
                long uid = uidNext(box.id());
                if (uid > MAX_UID) {
                    throw new IOException("mailbox " + name + " of " + account + " has run out of UIDs");
                }
                // Content first, made durable, then the row that makes it visible.
                written = contentFile(box.id(), uid);
                writeContent(prefix, source, written, size);
                insertMessage(box.id(), uid, modSeq, internalDate, size, deliveryKey, account);
                db.commit();
                return new DeliveryOutcome.Stored(uid);
            } catch (SQLException | IOException | RuntimeException e) {
                db.rollback();
                if (written != null) {
                    Files.deleteIfExists(written);
                }
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        });
    }

    private Optional<Long> deliveredUid(String deliveryKey) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT uid FROM deliveries WHERE delivery_key = ?")) {
            ps.setString(1, deliveryKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    private long usedBytesLocked(String account) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT used_bytes FROM accounts WHERE name = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("no such account: " + account);
                }
                return rs.getLong(1);
            }
        }
    }

    private long uidNext(long mailboxId) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT uid_next FROM mailboxes WHERE id = ?")) {
            ps.setLong(1, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void insertMessage(long mailboxId, long uid, long modSeq, Instant internalDate, long size,
            String deliveryKey, String account) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT INTO messages (mailbox_id, uid, modseq, flags, internal_date, size) VALUES (?, ?, ?, '', ?, ?)")) {
            ps.setLong(1, mailboxId);
            ps.setLong(2, uid);
            ps.setLong(3, modSeq);
            ps.setLong(4, internalDate.toEpochMilli());
            ps.setLong(5, size);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT INTO deliveries (delivery_key, mailbox_id, uid) VALUES (?, ?, ?)")) {
            ps.setString(1, deliveryKey);
            ps.setLong(2, mailboxId);
            ps.setLong(3, uid);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = db.prepareStatement("UPDATE mailboxes SET uid_next = ? WHERE id = ?")) {
            ps.setLong(1, uid + 1);
            ps.setLong(2, mailboxId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = db.prepareStatement(
                "UPDATE accounts SET used_bytes = used_bytes + ? WHERE name = ?")) {
            ps.setLong(1, size);
            ps.setString(2, account);
            ps.executeUpdate();
        }
    }

    /** Writes {@code prefix} and a copy of the message, and makes them and the directory entry durable. */
    private static void writeContent(byte[] prefix, Path source, Path target, long expectedSize) throws IOException {
        Path dir = target.getParent();
        DurableFiles.createDirectories(dir);
        long copied;
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer head = java.nio.ByteBuffer.wrap(prefix);
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

    private Path contentFile(long mailboxId, long uid) {
        return messagesDir.resolve(Long.toString(mailboxId)).resolve(uid + ".eml");
    }

    private boolean accountExists(String account) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM accounts WHERE name = ?")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The stored spelling of {@code name} for a lookup; an invalid name matches nothing anyway. */
    private static String lenientName(String name) {
        try {
            return Mailbox.checkName(name);
        } catch (IllegalArgumentException e) {
            return name;
        }
    }

    private static void checkAccount(String account) {
        if (account.isEmpty() || account.length() > MAX_ACCOUNT_LENGTH) {
            throw new IllegalArgumentException("an account name must be 1 to " + MAX_ACCOUNT_LENGTH + " characters");
        }
        for (int i = 0; i < account.length(); i++) {
            if (Character.isISOControl(account.charAt(i))) {
                throw new IllegalArgumentException("an account name must not contain control characters");
            }
        }
    }

    @Override
    public void close() throws IOException {
        CarrierOffload.call(() -> {
            lock.lock();
            try {
                if (!closed) {
                    closed = true;
                    db.close();
                }
                return null;
            } catch (SQLException e) {
                throw new IOException("closing the mailbox store: " + e.getMessage(), e);
            } finally {
                lock.unlock();
            }
        });
    }
}
