package org.bastionmail.store;

/** What {@link MailboxStore#deliver} did. */
public sealed interface DeliveryOutcome {
    /** The message is stored (and durable) under this UID. */
    record Stored(long uid) implements DeliveryOutcome {}

    /** A delivery with the same key was stored before, under this UID; nothing was added. */
    record Duplicate(long uid) implements DeliveryOutcome {}

    /** The account's quota would be exceeded; nothing was stored (RFC 3463 X.2.2 mailbox full). */
    record OverQuota(long usedBytes, long limitBytes) implements DeliveryOutcome {}
}
