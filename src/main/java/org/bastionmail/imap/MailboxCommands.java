package org.bastionmail.imap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bastionmail.store.Mailbox;
import org.bastionmail.store.MailboxStore;
import org.bastionmail.store.StoredMessage;

/**
 * The commands about whole mailboxes (RFC 9051 6.3): SELECT/EXAMINE with CONDSTORE and QRESYNC
 * (RFC 7162), CREATE, DELETE, RENAME, SUBSCRIBE/UNSUBSCRIBE, STATUS, NAMESPACE (RFC 2342) and the
 * quota queries (RFC 9208). LIST and LSUB are {@link ListCommand}.
 */
final class MailboxCommands {
    private final ImapSession session;
    private final ImapContext context;
    private final MailboxStore store;

    MailboxCommands(ImapSession session, ImapContext context) {
        this.session = session;
        this.context = context;
        this.store = context.store();
    }

    String namespace(ImapArgs args) throws IOException, ImapArgs.Syntax {
        args.end();
        session.untagged("NAMESPACE ((\"\" \"/\")) NIL NIL"); // RFC 2342: one personal namespace
        return "NAMESPACE completed";
    }

    String select(ImapArgs args, boolean readOnly) throws IOException, ImapArgs.Syntax, Reply {
        args.sp();
        String name = session.mailboxName(args);
        long qresyncValidity = -1;
        long qresyncModSeq = 0;
        Optional<SequenceSet> knownUids = Optional.empty();
        if (args.trySp()) {
            args.expect('(');
            while (!args.tryChar(')')) {
                args.trySp();
                String param = args.atom().toUpperCase(Locale.ROOT);
                if (param.equals("CONDSTORE")) {
                    session.extensions().condstoreUsed();
                } else if (param.equals("QRESYNC")) {
                    if (!session.extensions().qresync()) {
                        throw Reply.bad("QRESYNC is not enabled");
                    }
                    args.sp();
                    args.expect('(');
                    qresyncValidity = args.nzNumber32();
                    args.sp();
                    qresyncModSeq = args.number();
                    if (args.trySp()) {
                        knownUids = Optional.of(args.sequenceSet());
                        if (args.trySp()) {
                            args.expect('(');
                            args.sequenceSet();
                            args.sp();
                            args.sequenceSet();
                            args.expect(')');
                        }
                    }
                    args.expect(')');
                } else {
                    throw Reply.bad("Unknown SELECT parameter");
                }
            }
        }
        args.end();
        session.closeSelected();
        String user = session.account();
        Mailbox mailbox = requireMailbox(user, name);
        SelectedMailbox box = new SelectedMailbox(store, mailbox, readOnly);
        session.selected(box);
        // RFC 9051 6.3.2 responses.
        session.untagged(box.size() + " EXISTS");
        if (!session.extensions().imap4rev2()) {
            session.untagged("0 RECENT"); // IMAP4rev1; \Recent is not kept
        }
        session.untagged("FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
        session.untagged("OK [PERMANENTFLAGS (" + (readOnly ? "" : "\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*")
                + ")] Flags permitted");
        session.untagged("OK [UIDVALIDITY " + box.uidValidity + "] UIDs valid");
        session.untagged("OK [UIDNEXT " + mailbox.uidNext() + "] Predicted next UID");
        session.untagged("LIST () \"/\" "
                + new Response().string(MailboxNames.toWire(box.name, session.extensions().utf8Names())).toText());
        session.untagged("OK [HIGHESTMODSEQ " + box.highestModSeq() + "] Highest");
        if (qresyncValidity == box.uidValidity) {
            resync(box, qresyncModSeq, knownUids);
        }
        return (readOnly ? "[READ-ONLY]" : "[READ-WRITE]") + (readOnly ? " EXAMINE" : " SELECT") + " completed";
    }

    /** RFC 7162 3.2.5: tell what vanished and changed since the client's MODSEQ. */
    private void resync(SelectedMailbox box, long modSeq, Optional<SequenceSet> known) throws IOException {
        var changes = store.changesSince(box.account, box.name, modSeq).orElseThrow();
        List<Long> vanished = new ArrayList<>();
        for (long uid : changes.vanished()) {
            if (known.isEmpty() || known.get().contains(uid, Long.MAX_VALUE)) {
                vanished.add(uid);
            }
        }
        if (!vanished.isEmpty()) {
            session.untagged("VANISHED (EARLIER) " + SequenceSet.format(vanished));
        }
        for (StoredMessage m : changes.changed()) {
            int seq = box.seqOf(m.uid());
            if (seq > 0) {
                session.untagged(seq + " FETCH (UID " + m.uid() + " FLAGS " + FetchCommand.flags(m) + " MODSEQ ("
                        + m.modSeq() + "))");
            }
        }
    }

    String create(ImapArgs args) throws IOException, ImapArgs.Syntax, Reply {
        String user = session.account();
        args.sp();
        String mailbox = session.mailboxName(args);
        if (args.trySp()) {
            args.atomList(); // RFC 6154 USE: special-use mailboxes are the defaults
        }
        args.end();
        if (store.mailbox(user, mailbox).isPresent()) {
            throw Reply.no("[ALREADYEXISTS] Mailbox exists");
        }
        createWithParents(user, mailbox);
        return "CREATE completed";
    }

    String delete(ImapArgs args) throws IOException, ImapArgs.Syntax, Reply {
        String user = session.account();
        args.sp();
        String mailbox = session.mailboxName(args);
        args.end();
        requireMailbox(user, mailbox);
        Optional<SelectedMailbox> selected = session.selected();
        if (selected.isPresent() && selected.get().name.equals(Mailbox.checkName(mailbox))) {
            session.closeSelected();
        }
        store.deleteMailbox(user, mailbox);
        return "DELETE completed";
    }

    String rename(ImapArgs args) throws IOException, ImapArgs.Syntax, Reply {
        String user = session.account();
        args.sp();
        String from = session.mailboxName(args);
        args.sp();
        String to = session.mailboxName(args);
        args.end();
        requireMailbox(user, from);
        if (store.mailbox(user, to).isPresent()) {
            throw Reply.no("[ALREADYEXISTS] Target mailbox exists");
        }
        String parent = to.contains("/") ? to.substring(0, to.lastIndexOf('/')) : "";
        if (!parent.isEmpty() && store.mailbox(user, parent).isEmpty()) {
            createWithParents(user, parent);
        }
        store.renameMailbox(user, from, to);
        return "RENAME completed";
    }

    String subscribe(ImapArgs args, boolean subscribe) throws IOException, ImapArgs.Syntax, Reply {
        String user = session.account();
        args.sp();
        String mailbox = session.mailboxName(args);
        args.end();
        requireMailbox(user, mailbox);
        store.setSubscribed(user, mailbox, subscribe);
        return (subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE") + " completed";
    }

    String status(ImapArgs args) throws IOException, ImapArgs.Syntax, Reply {
        args.sp();
        String mailbox = session.mailboxName(args);
        args.sp();
        List<String> items = args.atomList();
        args.end();
        Mailbox box = requireMailbox(session.account(), mailbox);
        session.untagged(statusLine(box, items));
        return "STATUS completed";
    }

    /** The STATUS response for a mailbox; LIST-STATUS (RFC 5819) sends it too. */
    String statusLine(Mailbox box, List<String> items) throws IOException, Reply {
        var counts = store.counts(box.account(), box.name()).orElseThrow(() -> Reply.no("[NONEXISTENT] Gone"));
        Response r = new Response().raw("STATUS ").string(MailboxNames.toWire(box.name(), session.extensions().utf8Names()))
                .raw(" (");
        boolean first = true;
        for (String item : items) {
            String key = item.toUpperCase(Locale.ROOT);
            long value = switch (key) {
                case "MESSAGES" -> counts.messages();
                case "UIDNEXT" -> box.uidNext();
                case "UIDVALIDITY" -> box.uidValidity();
                case "UNSEEN" -> counts.unseen();
                case "DELETED" -> counts.deleted();
                case "SIZE" -> counts.size();
                case "RECENT" -> 0;
                case "HIGHESTMODSEQ" -> box.highestModSeq();
                case "APPENDLIMIT" -> context.limits().messageSize();
                default -> throw Reply.bad("Unknown STATUS item " + ImapSession.printable(item));
            };
            r.raw(first ? "" : " ").raw(key + " " + value);
            first = false;
        }
        return r.raw(")").toText();
    }

    String getQuotaRoot(ImapArgs args) throws IOException, ImapArgs.Syntax, Reply {
        args.sp();
        String mailbox = session.mailboxName(args);
        args.end();
        requireMailbox(session.account(), mailbox);
        session.untagged("QUOTAROOT " + new Response().string(MailboxNames.toWire(mailbox, session.extensions().utf8Names()))
                .raw(" \"\"").toText());
        session.untagged(quotaLine());
        return "GETQUOTAROOT completed";
    }

    String getQuota(ImapArgs args) throws IOException, ImapArgs.Syntax, Reply {
        args.sp();
        String root = args.astring();
        args.end();
        if (!root.isEmpty()) {
            throw Reply.no("No such quota root");
        }
        session.untagged(quotaLine());
        return "GETQUOTA completed";
    }

    private String quotaLine() throws IOException {
        String user = session.account();
        long used = store.usedBytes(user);
        long limit = context.directory().quota(user);
        // RFC 9208 5.1: STORAGE is in units of 1024 octets.
        return "QUOTA \"\" (STORAGE " + (used + 1023) / 1024 + " " + limit / 1024 + ")";
    }

    private Mailbox requireMailbox(String user, String name) throws IOException, Reply {
        return store.mailbox(user, name).orElseThrow(() -> Reply.no("[NONEXISTENT] No such mailbox"));
    }

    /** RFC 9051 6.3.4: CREATE makes the missing superior names too. */
    private void createWithParents(String user, String mailbox) throws IOException {
        String[] levels = mailbox.split("/");
        StringBuilder path = new StringBuilder();
        for (String level : levels) {
            path.append(path.isEmpty() ? "" : "/").append(level);
            if (store.mailbox(user, path.toString()).isEmpty()) {
                store.createMailbox(user, path.toString(), Optional.empty());
            }
        }
    }
}
