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
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
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
    private final MailboxEvents events = new MailboxEvents();
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
        // seconds does that, and taking one more than any value handed out (kept in sequences, so deleted
        // mailboxes count too) keeps it strictly unique
        // even for mailboxes created within the same second.
        long uidValidity;
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT next_value FROM sequences WHERE name = 'uid_validity'")) {
            rs.next();
            uidValidity = Math.max(Instant.now().getEpochSecond(), rs.getLong(1));
        }
        try (PreparedStatement ps = db.prepareStatement(
                "UPDATE sequences SET next_value = ? WHERE name = 'uid_validity'")) {
            ps.setLong(1, uidValidity + 1);
            ps.executeUpdate();
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
    public ContentSource contents(String account, String mailbox) throws IOException {
        Optional<Mailbox> box = withDb(() -> findMailbox(account, lenientName(mailbox)));
        if (box.isEmpty()) {
            return uid -> Optional.empty();
        }
        long mailboxId = box.get().id();
        // Content files are named by mailbox id and UID: no index query per message (a large mailbox
        // searched with N queries took seconds).
        return uid -> {
            try {
                return Optional.of(Files.newInputStream(contentFile(mailboxId, uid)));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
        };
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
                events.changed(mailboxId);
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
        if (deliveryKey.isEmpty() || deliveryKey.length() > MAX_DELIVERY_KEY_LENGTH) {
            throw new IllegalArgumentException("a delivery key must be 1 to " + MAX_DELIVERY_KEY_LENGTH + " characters");
        }
        return add(account, mailbox, Optional.of(deliveryKey), prefix, source, "", internalDate, quotaBytes);
    }

    @Override
    public DeliveryOutcome append(String account, String mailbox, Path source, Set<Flag> flags,
            Set<String> keywords, Instant internalDate, long quotaBytes) throws IOException {
        return add(account, mailbox, Optional.empty(), new byte[0], source, FlagCodec.encode(flags, keywords),
                internalDate, quotaBytes);
    }

    private DeliveryOutcome add(String account, String mailbox, Optional<String> deliveryKey, byte[] prefix,
            Path source, String flags, Instant internalDate, long quotaBytes) throws IOException {
        checkAccount(account);
        String name = Mailbox.checkName(mailbox);
        if (quotaBytes < 0) {
            throw new IllegalArgumentException("negative quota");
        }
        long[] mailboxId = {0};
        DeliveryOutcome outcome = withDb(() -> {
            long size = prefix.length + Files.size(source);
            Mailbox box = findMailbox(account, name)
                    .orElseThrow(() -> new IllegalArgumentException("no such mailbox: " + account + " " + name));
            mailboxId[0] = box.id();
            db.setAutoCommit(false);
            Path written = null;
            try {
                // The first statement writes, so that it takes the database's write lock (or the row
                // lock, in PostgreSQL) before anything is read: the key check and the quota check
                // below then see every delivery that committed before.
                long modSeq = bumpModSeq(box.id());
                if (deliveryKey.isPresent()) {
                    Optional<Long> earlier = deliveredUid(deliveryKey.get());
                    if (earlier.isPresent()) {
                        db.rollback();
                        return new DeliveryOutcome.Duplicate(earlier.get());
                    }
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
                insertMessage(box.id(), uid, modSeq, flags, internalDate, size, account);
                if (deliveryKey.isPresent()) {
                    recordDelivery(deliveryKey.get(), box.id(), uid);
                }
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
        if (outcome instanceof DeliveryOutcome.Stored) {
            events.changed(mailboxId[0]);
        }
        return outcome;
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

    private void insertMessage(long mailboxId, long uid, long modSeq, String flags, Instant internalDate, long size,
            String account) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT INTO messages (mailbox_id, uid, modseq, flags, internal_date, size) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, mailboxId);
            ps.setLong(2, uid);
            ps.setLong(3, modSeq);
            ps.setString(4, flags);
            ps.setLong(5, internalDate.toEpochMilli());
            ps.setLong(6, size);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = db.prepareStatement("UPDATE mailboxes SET uid_next = ? WHERE id = ?")) {
            ps.setLong(1, uid + 1);
            ps.setLong(2, mailboxId);
            ps.executeUpdate();
        }
        addUsedBytes(account, size);
    }

    private void addUsedBytes(String account, long delta) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
                "UPDATE accounts SET used_bytes = used_bytes + ? WHERE name = ?")) {
            ps.setLong(1, delta);
            ps.setString(2, account);
            ps.executeUpdate();
        }
    }

    private void recordDelivery(String deliveryKey, long mailboxId, long uid) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT INTO deliveries (delivery_key, mailbox_id, uid) VALUES (?, ?, ?)")) {
            ps.setString(1, deliveryKey);
            ps.setLong(2, mailboxId);
            ps.setLong(3, uid);
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

    Path contentFile(long mailboxId, long uid) {
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

    // ---- IMAP operations ----

    @Override
    public MailboxEvents events() {
        return events;
    }

    private Mailbox requireMailbox(String account, String name) throws SQLException {
        return findMailbox(account, lenientName(name))
                .orElseThrow(() -> new IllegalArgumentException("no such mailbox: " + name));
    }

    /** The existing messages among {@code uids}, in UID order. */
    private List<StoredMessage> existing(long mailboxId, Collection<Long> uids) throws SQLException {
        List<StoredMessage> found = new ArrayList<>();
        for (long uid : new TreeSet<>(uids)) {
            findMessage(mailboxId, uid).ifPresent(found::add);
        }
        return found;
    }

    @Override
    public List<Long> expunge(String account, String mailbox, Collection<Long> uids) throws IOException {
        List<Path> files = new ArrayList<>();
        long[] mailboxId = {0};
        List<Long> removed = withDb(() -> transaction(() -> {
            Optional<Mailbox> box = findMailbox(account, lenientName(mailbox));
            if (box.isEmpty()) {
                return List.<Long>of();
            }
            mailboxId[0] = box.get().id();
            List<StoredMessage> victims = existing(box.get().id(), uids);
            if (victims.isEmpty()) {
                return List.<Long>of();
            }
            long modSeq = bumpModSeq(box.get().id());
            List<Long> done = removeMessages(account, box.get().id(), victims, modSeq);
            for (long uid : done) {
                files.add(contentFile(box.get().id(), uid));
            }
            return done;
        }));
        deleteFiles(files);
        if (!removed.isEmpty()) {
            events.changed(mailboxId[0]);
        }
        return removed;
    }

    /** Deletes the rows, remembers the UIDs for VANISHED and gives back the bytes; in a transaction. */
    private List<Long> removeMessages(String account, long mailboxId, List<StoredMessage> victims, long modSeq)
            throws SQLException {
        List<Long> done = new ArrayList<>();
        long bytes = 0;
        try (PreparedStatement delete = db.prepareStatement("DELETE FROM messages WHERE mailbox_id = ? AND uid = ?");
                PreparedStatement remember = db.prepareStatement(
                        "INSERT INTO expunged (mailbox_id, uid, modseq) VALUES (?, ?, ?)")) {
            for (StoredMessage victim : victims) {
                delete.setLong(1, mailboxId);
                delete.setLong(2, victim.uid());
                if (delete.executeUpdate() == 1) {
                    remember.setLong(1, mailboxId);
                    remember.setLong(2, victim.uid());
                    remember.setLong(3, modSeq);
                    remember.executeUpdate();
                    done.add(victim.uid());
                    bytes += victim.size();
                }
            }
        }
        addUsedBytes(account, -bytes);
        return done;
    }

    /** Content files go only after the commit: a crash before leaves an unreferenced file, never a row without one. */
    private static void deleteFiles(List<Path> files) {
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // an orphan file costs disk space, nothing else; the rows are gone
            }
        }
    }

    @Override
    public FlagResult storeFlags(String account, String mailbox, Collection<Long> uids, FlagChange change,
            OptionalLong unchangedSince) throws IOException {
        long[] mailboxId = {0};
        FlagResult result = withDb(() -> transaction(() -> {
            Optional<Mailbox> box = findMailbox(account, lenientName(mailbox));
            if (box.isEmpty()) {
                return new FlagResult(List.of(), List.of(), List.of());
            }
            long id = box.get().id();
            mailboxId[0] = id;
            List<StoredMessage> unchanged = new ArrayList<>();
            List<Long> modified = new ArrayList<>();
            List<StoredMessage> toChange = new ArrayList<>();
            List<String> newFlags = new ArrayList<>();
            for (StoredMessage message : existing(id, uids)) {
                if (unchangedSince.isPresent() && message.modSeq() > unchangedSince.getAsLong()) {
                    modified.add(message.uid());
                    continue;
                }
                String before = FlagCodec.encode(message.flags(), message.keywords());
                String after = apply(message, change);
                if (before.equals(after)) {
                    unchanged.add(message);
                } else {
                    toChange.add(message);
                    newFlags.add(after);
                }
            }
            List<StoredMessage> changed = new ArrayList<>();
            if (!toChange.isEmpty()) {
                // RFC 7162 3.1.1: one command's changes may share one mod-sequence.
                long modSeq = bumpModSeq(id);
                try (PreparedStatement ps = db.prepareStatement(
                        "UPDATE messages SET flags = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?")) {
                    for (int i = 0; i < toChange.size(); i++) {
                        ps.setString(1, newFlags.get(i));
                        ps.setLong(2, modSeq);
                        ps.setLong(3, id);
                        ps.setLong(4, toChange.get(i).uid());
                        ps.executeUpdate();
                        StoredMessage m = toChange.get(i);
                        changed.add(new StoredMessage(m.uid(), modSeq, FlagCodec.flags(newFlags.get(i)),
                                FlagCodec.keywords(newFlags.get(i)), m.internalDate(), m.size()));
                    }
                }
            }
            return new FlagResult(changed, unchanged, modified);
        }));
        if (!result.changed().isEmpty()) {
            events.changed(mailboxId[0]);
        }
        return result;
    }

    private static String apply(StoredMessage message, FlagChange change) {
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        Set<String> keywords = new LinkedHashSet<>();
        if (change.mode() != FlagChange.Mode.REPLACE) {
            flags.addAll(message.flags());
            keywords.addAll(message.keywords());
        }
        if (change.mode() == FlagChange.Mode.REMOVE) {
            flags.removeAll(change.flags());
            // RFC 9051 2.3.2: keywords are case-insensitive
            keywords.removeIf(k -> change.keywords().stream().anyMatch(k::equalsIgnoreCase));
        } else {
            flags.addAll(change.flags());
            for (String keyword : change.keywords()) {
                if (keywords.stream().noneMatch(keyword::equalsIgnoreCase)) {
                    keywords.add(keyword);
                }
            }
        }
        return FlagCodec.encode(flags, keywords);
    }

    @Override
    public CopyOutcome copy(String account, String from, Collection<Long> uids, String to, long quotaBytes)
            throws IOException {
        long[] target = {0};
        CopyOutcome outcome = withDb(() -> transaction(() -> {
            Mailbox source = requireMailbox(account, from);
            Mailbox destination = requireMailbox(account, to);
            target[0] = destination.id();
            List<StoredMessage> messages = existing(source.id(), uids);
            long bytes = messages.stream().mapToLong(StoredMessage::size).sum();
            long used = usedBytesLocked(account);
            if (bytes > quotaBytes - used) {
                return new CopyOutcome.OverQuota(used, quotaBytes);
            }
            return copyRows(account, source, destination, messages);
        }));
        if (outcome instanceof CopyOutcome.Copied c && !c.targetUids().isEmpty()) {
            events.changed(target[0]);
        }
        return outcome;
    }

    @Override
    public CopyOutcome.Copied move(String account, String from, Collection<Long> uids, String to) throws IOException {
        long[] ids = {0, 0};
        List<Path> files = new ArrayList<>();
        CopyOutcome.Copied outcome = withDb(() -> transaction(() -> {
            Mailbox source = requireMailbox(account, from);
            Mailbox destination = requireMailbox(account, to);
            ids[0] = source.id();
            ids[1] = destination.id();
            List<StoredMessage> messages = existing(source.id(), uids);
            if (source.id() == destination.id() || messages.isEmpty()) {
                return new CopyOutcome.Copied(destination.uidValidity(), List.of(), List.of());
            }
            CopyOutcome.Copied copied = copyRows(account, source, destination, messages);
            removeMessages(account, source.id(), messages, bumpModSeq(source.id()));
            for (StoredMessage m : messages) {
                files.add(contentFile(source.id(), m.uid()));
            }
            return copied;
        }));
        deleteFiles(files);
        if (!outcome.targetUids().isEmpty()) {
            events.changed(ids[0]);
            events.changed(ids[1]);
        }
        return outcome;
    }

    /** New rows (and content files, hard-linked where possible) in the target; in a transaction. */
    private CopyOutcome.Copied copyRows(String account, Mailbox source, Mailbox destination,
            List<StoredMessage> messages) throws SQLException, IOException {
        List<Long> sourceUids = new ArrayList<>();
        List<Long> targetUids = new ArrayList<>();
        if (messages.isEmpty()) {
            return new CopyOutcome.Copied(destination.uidValidity(), sourceUids, targetUids);
        }
        long modSeq = bumpModSeq(destination.id());
        long uid = uidNext(destination.id());
        if (uid + messages.size() - 1 > MAX_UID) {
            throw new IOException("mailbox " + destination.name() + " has run out of UIDs");
        }
        List<Path> written = new ArrayList<>();
        try {
            for (StoredMessage m : messages) {
                Path target = contentFile(destination.id(), uid);
                linkContent(contentFile(source.id(), m.uid()), target, m.size());
                written.add(target);
                insertMessage(destination.id(), uid, modSeq, FlagCodec.encode(m.flags(), m.keywords()),
                        m.internalDate(), m.size(), account);
                sourceUids.add(m.uid());
                targetUids.add(uid);
                uid++;
            }
            DurableFiles.syncDirectory(contentFile(destination.id(), 1).getParent());
        } catch (SQLException | IOException | RuntimeException e) {
            deleteFiles(written);
            throw e;
        }
        return new CopyOutcome.Copied(destination.uidValidity(), sourceUids, targetUids);
    }

    /** Message files never change once written, so a copy can share the source's inode. */
    private static void linkContent(Path source, Path target, long size) throws IOException {
        DurableFiles.createDirectories(target.getParent());
        Files.deleteIfExists(target); // an orphan left by a crash at this UID
        try {
            Files.createLink(target, source);
        } catch (UnsupportedOperationException | IOException e) {
            writeContent(new byte[0], source, target, size);
        }
    }

    @Override
    public void renameMailbox(String account, String from, String to) throws IOException {
        String oldName = Mailbox.checkName(from);
        String newName = Mailbox.checkName(to);
        withDb(() -> transaction(() -> {
            Mailbox box = requireMailbox(account, oldName);
            if (findMailbox(account, newName).isPresent()) {
                throw new IllegalArgumentException("mailbox exists: " + newName);
            }
            if (newName.equals(oldName) || newName.startsWith(oldName + Mailbox.SEPARATOR)) {
                throw new IllegalArgumentException("cannot rename a mailbox into itself");
            }
            List<Mailbox> all = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement(MAILBOX_COLUMNS + " WHERE account = ?")) {
                ps.setString(1, account);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        all.add(mailbox(rs));
                    }
                }
            }
            boolean inbox = box.name().equals(Mailbox.INBOX);
            try (PreparedStatement ps = db.prepareStatement("UPDATE mailboxes SET name = ? WHERE id = ?")) {
                for (Mailbox m : all) {
                    String renamed;
                    if (m.id() == box.id()) {
                        renamed = newName;
                    } else if (!inbox && m.name().startsWith(oldName + Mailbox.SEPARATOR)) {
                        // RFC 9051 6.3.6: inferior names move along; INBOX's children stay.
                        renamed = newName + m.name().substring(oldName.length());
                    } else {
                        continue;
                    }
                    Mailbox.checkName(renamed);
                    ps.setString(1, renamed);
                    ps.setLong(2, m.id());
                    ps.executeUpdate();
                }
            }
            // RFC 9051 6.3.6: renaming INBOX moves its messages and leaves an empty INBOX. Renaming the row
            // and creating a fresh INBOX does that; the fresh one gets a new UIDVALIDITY. A renamed
            // mailbox may keep its UIDVALIDITY: it was never handed out for the new name.
            if (inbox) {
                insertMailbox(account, Mailbox.INBOX, Optional.empty());
            }
            return null;
        }));
    }

    @Override
    public void deleteMailbox(String account, String name) throws IOException {
        String canonical = Mailbox.checkName(name);
        if (canonical.equals(Mailbox.INBOX)) {
            throw new IllegalArgumentException("INBOX cannot be deleted"); // RFC 9051 6.3.5
        }
        List<Path> files = new ArrayList<>();
        long[] id = {0};
        withDb(() -> transaction(() -> {
            Mailbox box = requireMailbox(account, canonical);
            id[0] = box.id();
            try (PreparedStatement ps = db.prepareStatement(
                    "SELECT 1 FROM mailboxes WHERE account = ? AND name LIKE ? ESCAPE '!'")) {
                ps.setString(1, account);
                ps.setString(2, canonical.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "/%");
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        throw new IllegalArgumentException("mailbox has children: " + canonical);
                    }
                }
            }
            long bytes = 0;
            try (PreparedStatement ps = db.prepareStatement("SELECT uid, size FROM messages WHERE mailbox_id = ?")) {
                ps.setLong(1, box.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        files.add(contentFile(box.id(), rs.getLong(1)));
                        bytes += rs.getLong(2);
                    }
                }
            }
            for (String sql : List.of("DELETE FROM messages WHERE mailbox_id = ?",
                    "DELETE FROM expunged WHERE mailbox_id = ?", "DELETE FROM deliveries WHERE mailbox_id = ?",
                    "DELETE FROM mailboxes WHERE id = ?")) {
                try (PreparedStatement ps = db.prepareStatement(sql)) {
                    ps.setLong(1, box.id());
                    ps.executeUpdate();
                }
            }
            addUsedBytes(account, -bytes);
            return null;
        }));
        deleteFiles(files);
        try {
            Files.deleteIfExists(messagesDir.resolve(Long.toString(id[0])));
        } catch (IOException e) {
            // not empty (an orphan): harmless
        }
        // Sessions that selected it learn that everything is gone.
        events.changed(id[0]);
    }

    @Override
    public void setSubscribed(String account, String name, boolean subscribed) throws IOException {
        withDb(() -> {
            Mailbox box = requireMailbox(account, name);
            try (PreparedStatement ps = db.prepareStatement("UPDATE mailboxes SET subscribed = ? WHERE id = ?")) {
                ps.setBoolean(1, subscribed);
                ps.setLong(2, box.id());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<Changes> changesSince(String account, String mailbox, long modSeq) throws IOException {
        return withDb(() -> {
            Optional<Mailbox> box = findMailbox(account, lenientName(mailbox));
            if (box.isEmpty()) {
                return Optional.empty();
            }
            long id = box.get().id();
            List<StoredMessage> changed = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement(
                    MESSAGE_COLUMNS + " WHERE mailbox_id = ? AND modseq > ? ORDER BY uid")) {
                ps.setLong(1, id);
                ps.setLong(2, modSeq);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        changed.add(message(rs));
                    }
                }
            }
            List<Long> vanished = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement(
                    "SELECT uid FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid")) {
                ps.setLong(1, id);
                ps.setLong(2, modSeq);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        vanished.add(rs.getLong(1));
                    }
                }
            }
            return Optional.of(new Changes(box.get().highestModSeq(), changed, vanished));
        });
    }

    @Override
    public Optional<MailboxCounts> counts(String account, String mailbox) throws IOException {
        return withDb(() -> {
            Optional<Mailbox> box = findMailbox(account, lenientName(mailbox));
            if (box.isEmpty()) {
                return Optional.empty();
            }
            // Flags are stored as "\\Seen \\Deleted ..."; no keyword holds a backslash, so LIKE finds the flag.
            // ESCAPE: PostgreSQL would otherwise take the backslash as LIKE's escape character.
            try (PreparedStatement ps = db.prepareStatement("SELECT COUNT(*),"
                    + " COALESCE(SUM(CASE WHEN flags LIKE '%\\Seen%' ESCAPE '!' THEN 0 ELSE 1 END), 0),"
                    + " COALESCE(SUM(CASE WHEN flags LIKE '%\\Deleted%' ESCAPE '!' THEN 1 ELSE 0 END), 0),"
                    + " COALESCE(SUM(size), 0) FROM messages WHERE mailbox_id = ?")) {
                ps.setLong(1, box.get().id());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return Optional.of(new MailboxCounts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                }
            }
        });
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
