package org.bastionmail.store;

import java.util.List;

/** What {@link MailboxStore#copy} and {@link MailboxStore#move} did. */
public sealed interface CopyOutcome {
    /**
     * Copied: {@code sourceUids.get(i)} became {@code targetUids.get(i)} in the target, whose UIDVALIDITY
     * is {@code uidValidity} (RFC 4315 3 COPYUID). Empty lists if none of the UIDs existed.
     */
    record Copied(long uidValidity, List<Long> sourceUids, List<Long> targetUids) implements CopyOutcome {
        public Copied {
            sourceUids = List.copyOf(sourceUids);
            targetUids = List.copyOf(targetUids);
        }
    }

    /** The copies would exceed the account's quota; nothing was copied (RFC 9208 OVERQUOTA). */
    record OverQuota(long usedBytes, long limitBytes) implements CopyOutcome {}
}
