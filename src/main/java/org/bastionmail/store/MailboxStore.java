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
 * Accounts, their mailboxes and messages, shaped for IMAP (UIDs, UIDVALIDITY, MODSEQ, flags).
 *
 * <p>Every method may block on disk; {@link IOException} means the storage failed, and the caller
 * should treat it as temporary. Unknown accounts or mailboxes given as arguments are reported as
 * {@link IllegalArgumentException} where the method changes something, and as empty results where it
 * only reads.
 */
public interface MailboxStore extends AutoCloseable {

    /** The mailboxes every account gets, with their RFC 6154 special use. */
    List<DefaultMailbox> DEFAULT_MAILBOXES = List.of(
            new DefaultMailbox(Mailbox.INBOX, Optional.empty()),
            new DefaultMailbox("Sent", Optional.of(SpecialUse.SENT)),
            new DefaultMailbox("Drafts", Optional.of(SpecialUse.DRAFTS)),
            new DefaultMailbox("Trash", Optional.of(SpecialUse.TRASH)),
            new DefaultMailbox("Junk", Optional.of(SpecialUse.JUNK)),
            new DefaultMailbox("Archive", Optional.of(SpecialUse.ARCHIVE)));

    /** A mailbox that {@link #ensureAccount} creates. */
    record DefaultMailbox(String name, Optional<SpecialUse> specialUse) {}

    /** Creates the account with the {@link #DEFAULT_MAILBOXES} unless they exist; safe to repeat. */
    void ensureAccount(String account) throws IOException;

    /** Creates a mailbox; fails if the account is unknown or the name is taken or invalid. */
    Mailbox createMailbox(String account, String name, Optional<SpecialUse> specialUse) throws IOException;

    /** The account's mailboxes sorted by name; empty for an unknown account. */
    List<Mailbox> mailboxes(String account) throws IOException;

    Optional<Mailbox> mailbox(String account, String name) throws IOException;

    /** The messages of a mailbox in UID order; empty for an unknown mailbox. */
    List<StoredMessage> messages(String account, String mailbox) throws IOException;

    /** The content of one message, exactly as delivered; the caller closes it. */
    Optional<InputStream> openContent(String account, String mailbox, long uid) throws IOException;

    /**
     * Opens the contents of many messages of one mailbox, for one command that reads them all (SEARCH
     * BODY, FETCH 1:* ENVELOPE): the mailbox is looked up once, not once per message. Use it for one
     * command only; a message expunged meanwhile opens as empty.
     */
    default ContentSource contents(String account, String mailbox) throws IOException {
        return uid -> openContent(account, mailbox, uid);
    }

    /** The contents of one mailbox's messages by UID; see {@link #contents}. */
    @FunctionalInterface
    interface ContentSource {
        Optional<InputStream> open(long uid) throws IOException;
    }

    /**
     * Replaces the flags and keywords of a message, giving it a new MODSEQ (RFC 7162 3.2).
     *
     * @return the message as changed, empty if there is no such message
     */
    Optional<StoredMessage> setFlags(String account, String mailbox, long uid, Set<Flag> flags, Set<String> keywords)
            throws IOException;

    /** Bytes of message content the account holds, counted against its quota. */
    long usedBytes(String account) throws IOException;

    /**
     * Stores a copy of {@code source} as a new message, once per {@code deliveryKey}.
     *
     * <p>When this returns {@link DeliveryOutcome.Stored}, the content and its index row are durable.
     * Delivering the same key again (after a crash between this call and the caller recording it)
     * returns {@link DeliveryOutcome.Duplicate} and stores nothing.
     *
     * @param deliveryKey what makes the delivery unique, e.g. {@code queueId + "/" + account}
     * @param quotaBytes the account's limit: the message is refused if the used bytes plus its size
     *     would exceed it
     */
    default DeliveryOutcome deliver(String account, String mailbox, String deliveryKey, Path source, Instant internalDate,
            long quotaBytes) throws IOException {
        return deliver(account, mailbox, deliveryKey, new byte[0], source, internalDate, quotaBytes);
    }

    /**
     * As {@link #deliver(String, String, String, Path, Instant, long)}, with {@code prefix} (header fields
     * added after the message was received) stored in front of the content.
     */
    DeliveryOutcome deliver(String account, String mailbox, String deliveryKey, byte[] prefix, Path source,
            Instant internalDate, long quotaBytes) throws IOException;

    // For IMAP (RFC 9051, RFC 4315 UIDPLUS, RFC 6851 MOVE, RFC 7162 CONDSTORE/QRESYNC).

    /** Where the store announces, after each commit, that a mailbox changed; shared by all its users. */
    MailboxEvents events();

    /**
     * Stores {@code source} as a new message with these flags (RFC 9051 6.3.12 APPEND).
     *
     * @return {@link DeliveryOutcome.Stored} or {@link DeliveryOutcome.OverQuota}, never Duplicate
     */
    DeliveryOutcome append(String account, String mailbox, Path source, Set<Flag> flags, Set<String> keywords,
            Instant internalDate, long quotaBytes) throws IOException;

    /**
     * Removes the messages with these UIDs (those that exist), remembers their UIDs with a new MODSEQ for
     * VANISHED, gives the account their bytes back and deletes their files after the commit.
     *
     * @return the UIDs removed, ascending
     */
    List<Long> expunge(String account, String mailbox, Collection<Long> uids) throws IOException;

    /**
     * Changes the flags of the messages with these UIDs (RFC 9051 6.4.6). Messages whose flags change get
     * one new MODSEQ; with {@code unchangedSince}, messages whose MODSEQ is higher are left alone and
     * reported (RFC 7162 3.1.3).
     */
    FlagResult storeFlags(String account, String mailbox, Collection<Long> uids, FlagChange change,
            OptionalLong unchangedSince) throws IOException;

    /** Copies messages to another mailbox of the same account under new UIDs, flags kept (RFC 9051 6.4.7). */
    CopyOutcome copy(String account, String from, Collection<Long> uids, String to, long quotaBytes)
            throws IOException;

    /** Moves messages to another mailbox in one transaction (RFC 6851); the sources are expunged. */
    CopyOutcome.Copied move(String account, String from, Collection<Long> uids, String to) throws IOException;

    /**
     * Renames a mailbox and its children (RFC 9051 6.3.6). Renaming INBOX moves its messages to the new
     * name and leaves an empty INBOX (with a new UIDVALIDITY) behind.
     */
    void renameMailbox(String account, String from, String to) throws IOException;

    /** Deletes a mailbox and its messages (RFC 9051 6.3.5); INBOX and mailboxes with children are refused. */
    void deleteMailbox(String account, String name) throws IOException;

    /** Adds the mailbox to or removes it from the subscription list (RFC 9051 6.3.7, 6.3.8). */
    void setSubscribed(String account, String name, boolean subscribed) throws IOException;

    /** What changed in the mailbox after {@code modSeq}; empty for an unknown mailbox. */
    Optional<Changes> changesSince(String account, String mailbox, long modSeq) throws IOException;

    /** The STATUS numbers of a mailbox; empty for an unknown one. */
    Optional<MailboxCounts> counts(String account, String mailbox) throws IOException;

    @Override
    void close() throws IOException;
}
