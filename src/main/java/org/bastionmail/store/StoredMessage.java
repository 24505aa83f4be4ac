package org.bastionmail.store;

import java.time.Instant;
import java.util.Set;

/**
 * A message in a mailbox.
 *
 * @param uid RFC 9051 2.3.1.1 unique identifier, strictly increasing within the mailbox
 * @param modSeq RFC 7162 the mod-sequence of the last change to this message
 * @param flags system flags
 * @param keywords keywords ({@code $Forwarded}, user-defined atoms), as set
 * @param internalDate RFC 9051 2.3.3: when the message arrived
 * @param size RFC 9051 2.3.4: the size of the content in octets
 */
public record StoredMessage(
        long uid, long modSeq, Set<Flag> flags, Set<String> keywords, Instant internalDate, long size) {
    public StoredMessage {
        flags = Set.copyOf(flags);
        keywords = Set.copyOf(keywords);
    }
}
