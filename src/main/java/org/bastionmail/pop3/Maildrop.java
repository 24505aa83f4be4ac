package org.bastionmail.pop3;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import org.bastionmail.store.StoredMessage;

/**
 * The maildrop as the session sees it: the INBOX at the moment the lock was taken (RFC 1939 5: message
 * numbers stay the same for the whole session, and mail arriving later is not part of it), with the
 * messages marked deleted. Nothing here touches the store; deletion happens at QUIT.
 */
final class Maildrop {
    // RFC 1939 7: a unique-id is 1 to 70 characters in 0x21-0x7E. Ours is "UIDVALIDITY-UID".
    private final long uidValidity;
    private final List<StoredMessage> messages;
    private final BitSet deleted = new BitSet();

    Maildrop(long uidValidity, List<StoredMessage> messages) {
        this.uidValidity = uidValidity;
        this.messages = List.copyOf(messages);
    }

    long uidValidity() {
        return uidValidity;
    }

    int count() {
        return messages.size() - deleted.cardinality();
    }

    long octets() {
        long total = 0;
        for (int i = 0; i < messages.size(); i++) {
            if (!deleted.get(i)) {
                total += messages.get(i).size();
            }
        }
        return total;
    }

    /**
     * The message with this number, unless it is out of range or deleted. The argument is the client's
     * text: digits only (no sign), at most 9 of them.
     */
    Optional<StoredMessage> message(String number) {
        int n = parseNumber(number);
        if (n < 1 || n > messages.size() || deleted.get(n - 1)) {
            return Optional.empty();
        }
        return Optional.of(messages.get(n - 1));
    }

    /** Marks a message deleted; false if it does not exist or is already marked. */
    boolean delete(String number) {
        if (message(number).isEmpty()) {
            return false;
        }
        deleted.set(parseNumber(number) - 1);
        return true;
    }

    void undeleteAll() {
        deleted.clear();
    }

    /** The UIDs of the messages marked deleted. */
    List<Long> deletedUids() {
        List<Long> uids = new ArrayList<>();
        deleted.stream().forEach(i -> uids.add(messages.get(i).uid()));
        return uids;
    }

    /** Each message not deleted with its number, in order. */
    List<Numbered> listing() {
        List<Numbered> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (!deleted.get(i)) {
                out.add(new Numbered(i + 1, messages.get(i)));
            }
        }
        return out;
    }

    String uniqueId(StoredMessage message) {
        return uidValidity + "-" + message.uid();
    }

    record Numbered(int number, StoredMessage message) {}

    /** A decimal argument of at most 9 digits, or -1. */
    static int parseNumber(String text) {
        if (text.isEmpty() || text.length() > 9) {
            return -1;
        }
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
