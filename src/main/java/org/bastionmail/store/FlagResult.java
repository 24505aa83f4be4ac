package org.bastionmail.store;

import java.util.List;

/**
 * What {@link MailboxStore#storeFlags} did.
 *
 * @param changed the messages whose flags changed, as they are now (with their new MODSEQ)
 * @param unchanged UIDs that exist but whose flags already were as asked (no new MODSEQ)
 * @param modified UIDs refused by UNCHANGEDSINCE because they changed after it (RFC 7162 3.1.3)
 */
public record FlagResult(List<StoredMessage> changed, List<StoredMessage> unchanged, List<Long> modified) {
    public FlagResult {
        changed = List.copyOf(changed);
        unchanged = List.copyOf(unchanged);
        modified = List.copyOf(modified);
    }
}
