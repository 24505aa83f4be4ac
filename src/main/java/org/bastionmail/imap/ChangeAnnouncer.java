package org.bastionmail.imap;

import java.io.IOException;
import java.util.List;
import org.bastionmail.store.StoredMessage;

/**
 * Tells a client what changed in its selected mailbox (RFC 9051 7.4.1 EXPUNGE, 7.3.1 EXISTS, 7.5.2 FETCH
 * FLAGS), in the forms QRESYNC and CONDSTORE ask for (RFC 7162 3.2.10 VANISHED, 3.1.4 MODSEQ).
 */
final class ChangeAnnouncer implements SelectedMailbox.Announcer {
    private final ImapSession session;

    ChangeAnnouncer(ImapSession session) {
        this.session = session;
    }

    @Override
    public void expunged(int seq, long uid) throws IOException {
        if (session.extensions().qresync()) {
            session.untagged("VANISHED " + uid); // RFC 7162 3.2.10
        } else {
            session.untagged(seq + " EXPUNGE");
        }
    }

    @Override
    public void exists(int count) throws IOException {
        session.untagged(count + " EXISTS");
    }

    @Override
    public void flagsChanged(int seq, StoredMessage message) throws IOException {
        session.untagged(seq + " FETCH (UID " + message.uid() + " FLAGS " + FetchCommand.flags(message)
                + (session.extensions().condstore() ? " MODSEQ (" + message.modSeq() + ")" : "") + ")");
    }

    /** Messages this session itself expunged: removed from its view, and announced in one go. */
    void expunged(SelectedMailbox box, List<Long> uids) throws IOException {
        if (session.extensions().qresync() && !uids.isEmpty()) {
            uids.forEach(box::remove);
            session.untagged("VANISHED " + SequenceSet.format(uids));
            return;
        }
        for (long uid : uids) {
            int seq = box.remove(uid);
            if (seq > 0) {
                session.untagged(seq + " EXPUNGE");
            }
        }
    }
}
