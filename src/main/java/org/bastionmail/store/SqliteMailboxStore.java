package org.bastionmail.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

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
 * through {@link org.bastionmail.io.CarrierOffload}. The work is split by what it changes:
 * {@link StoreDatabase} (connection, transactions; the schema is {@link Schema}), {@link StoreQueries},
 * {@link MailboxWrites}, {@link MessageWrites}, {@link FlagWrites}, over the shared statements of
 * {@link IndexRows} and the files of {@link MessageFiles}.
 */
public final class SqliteMailboxStore implements MailboxStore {
    private final StoreDatabase database;
    private final MailboxEvents events = new MailboxEvents();
    private final StoreQueries queries;
    private final MailboxWrites mailboxWrites;
    private final MessageWrites messageWrites;
    private final FlagWrites flagWrites;
    private final MessageFiles files;

    private SqliteMailboxStore(StoreDatabase database, Path messagesDir) {
        this.database = database;
        IndexRows rows = new IndexRows(database.connection());
        MessageFiles files = new MessageFiles(messagesDir);
        this.files = files;
        this.queries = new StoreQueries(database, rows, files);
        this.mailboxWrites = new MailboxWrites(database, rows, files, events);
        this.messageWrites = new MessageWrites(database, rows, files, events);
        this.flagWrites = new FlagWrites(database, rows, events);
    }

    /** Opens (creating if needed) the store under {@code dataDir/store}. */
    public static SqliteMailboxStore open(Path dataDir) throws IOException {
        Path storeDir = dataDir.resolve("store");
        Path messagesDir = storeDir.resolve("messages");
        SqliteMailboxStore store = new SqliteMailboxStore(StoreDatabase.open(storeDir, messagesDir), messagesDir);
        org.bastionmail.io.CarrierOffload.call(() -> {
            store.files.openStaging();
            return null;
        });
        return store;
    }

    @Override
    public void ensureAccount(String account) throws IOException {
        mailboxWrites.ensureAccount(account);
    }

    @Override
    public Mailbox createMailbox(String account, String name, Optional<SpecialUse> specialUse) throws IOException {
        return mailboxWrites.createMailbox(account, name, specialUse);
    }

    @Override
    public List<Mailbox> mailboxes(String account) throws IOException {
        return queries.mailboxes(account);
    }

    @Override
    public Optional<Mailbox> mailbox(String account, String name) throws IOException {
        return queries.mailbox(account, name);
    }

    @Override
    public List<StoredMessage> messages(String account, String mailbox) throws IOException {
        return queries.messages(account, mailbox);
    }

    @Override
    public Optional<InputStream> openContent(String account, String mailbox, long uid) throws IOException {
        return queries.openContent(account, mailbox, uid);
    }

    @Override
    public ContentSource contents(String account, String mailbox) throws IOException {
        return queries.contents(account, mailbox);
    }

    @Override
    public Optional<StoredMessage> setFlags(String account, String mailbox, long uid, Set<Flag> flags,
            Set<String> keywords) throws IOException {
        return flagWrites.setFlags(account, mailbox, uid, flags, keywords);
    }

    @Override
    public long usedBytes(String account) throws IOException {
        return queries.usedBytes(account);
    }

    @Override
    public DeliveryOutcome deliver(String account, String mailbox, String deliveryKey, byte[] prefix, Path source,
            Instant internalDate, long quotaBytes) throws IOException {
        return messageWrites.deliver(account, mailbox, deliveryKey, prefix, source, internalDate, quotaBytes);
    }

    @Override
    public DeliveryOutcome append(String account, String mailbox, Path source, Set<Flag> flags,
            Set<String> keywords, Instant internalDate, long quotaBytes) throws IOException {
        return messageWrites.append(account, mailbox, source, flags, keywords, internalDate, quotaBytes);
    }

    // ---- IMAP operations ----

    @Override
    public MailboxEvents events() {
        return events;
    }

    @Override
    public List<Long> expunge(String account, String mailbox, Collection<Long> uids) throws IOException {
        return messageWrites.expunge(account, mailbox, uids);
    }

    @Override
    public FlagResult storeFlags(String account, String mailbox, Collection<Long> uids, FlagChange change,
            OptionalLong unchangedSince) throws IOException {
        return flagWrites.storeFlags(account, mailbox, uids, change, unchangedSince);
    }

    @Override
    public CopyOutcome copy(String account, String from, Collection<Long> uids, String to, long quotaBytes)
            throws IOException {
        return messageWrites.copy(account, from, uids, to, quotaBytes);
    }

    @Override
    public CopyOutcome.Copied move(String account, String from, Collection<Long> uids, String to) throws IOException {
        return messageWrites.move(account, from, uids, to);
    }

    @Override
    public void renameMailbox(String account, String from, String to) throws IOException {
        mailboxWrites.renameMailbox(account, from, to);
    }

    @Override
    public void deleteMailbox(String account, String name) throws IOException {
        mailboxWrites.deleteMailbox(account, name);
    }

    @Override
    public void setSubscribed(String account, String name, boolean subscribed) throws IOException {
        mailboxWrites.setSubscribed(account, name, subscribed);
    }

    @Override
    public Optional<Changes> changesSince(String account, String mailbox, long modSeq) throws IOException {
        return queries.changesSince(account, mailbox, modSeq);
    }

    @Override
    public Optional<MailboxCounts> counts(String account, String mailbox) throws IOException {
        return queries.counts(account, mailbox);
    }

    @Override
    public void close() throws IOException {
        database.close();
    }
}
