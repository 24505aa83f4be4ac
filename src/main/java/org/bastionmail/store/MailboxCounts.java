package org.bastionmail.store;

/**
 * The numbers STATUS reports (RFC 9051 6.3.11) without reading every message.
 *
 * @param messages how many messages there are
 * @param unseen how many lack {@code \Seen}
 * @param deleted how many have {@code \Deleted}
 * @param size the sum of their sizes in octets
 */
public record MailboxCounts(long messages, long unseen, long deleted, long size) {}
