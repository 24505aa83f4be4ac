package org.bastionmail.store;

import java.util.List;

/**
 * What changed in a mailbox after a MODSEQ (RFC 7162 3.1.4, RFC 7162 3.2.5.1 VANISHED).
 *
 * @param highestModSeq the mailbox's HIGHESTMODSEQ when this was read
 * @param changed messages that arrived or whose flags changed after the MODSEQ, in UID order
 * @param vanished UIDs expunged after the MODSEQ, in UID order
 */
public record Changes(long highestModSeq, List<StoredMessage> changed, List<Long> vanished) {
    public Changes {
        changed = List.copyOf(changed);
        vanished = List.copyOf(vanished);
    }
}
