package org.bastionmail.imap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.bastionmail.store.CopyOutcome;
import org.bastionmail.store.DeliveryOutcome;
import org.bastionmail.store.Flag;
import org.bastionmail.store.FlagChange;
import org.bastionmail.store.FlagResult;
import org.bastionmail.store.Mailbox;
import org.bastionmail.store.MailboxStore;
import org.bastionmail.store.StoredMessage;

/**
 * The commands that add, change or remove messages: APPEND (RFC 9051 6.3.12, RFC 4315 APPENDUID), STORE
 * (6.4.6, RFC 7162 UNCHANGEDSINCE), COPY and MOVE (6.4.7, RFC 6851), EXPUNGE and UID EXPUNGE (6.4.3,
 * RFC 4315), CLOSE and UNSELECT (6.4.1, RFC 3691). FETCH and SEARCH are {@link FetchCommand} and
 * {@link SearchCommand}.
 */
final class MessageCommands {
    private final ImapSession session;
    private final ImapContext context;
    private final MailboxStore store;

    MessageCommands(ImapSession session, ImapContext context) {
        this.session = session;
        this.context = context;
        this.store = context.store();
    }

    String append(ImapArgs args) throws IOException, ImapArgs.Syntax, Reply {
        args.sp();
        String name = session.mailboxName(args);
        args.sp();
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        Set<String> keywords = new LinkedHashSet<>();
        if (args.peek() == '(') {
            parseFlags(args.atomList(), flags, keywords);
            args.sp();
        }
        Instant internalDate = context.clock().instant();
        if (args.peek() == '"') {
            internalDate = DateTimes.parseDateTime(args.astring());
            args.sp();
        }
        byte[] message = args.string();
        args.end();
        String user = session.account();
        Mailbox box = store.mailbox(user, name).orElseThrow(() -> Reply.no("[TRYCREATE] No such mailbox"));
        if (message.length > context.limits().messageSize()) {
            throw Reply.no("[TOOBIG] Message too large");
        }
        Path file = Files.createTempFile("bastion-append", ".eml");
        try {
            Files.write(file, message);
            DeliveryOutcome outcome = store.append(user, name, file, flags, keywords, internalDate,
                    context.directory().quota(user));
            if (outcome instanceof DeliveryOutcome.Stored stored) {
                session.announceChanges(true);
                return "[APPENDUID " + box.uidValidity() + " " + stored.uid() + "] APPEND completed"; // RFC 4315
            }
            throw Reply.no("[OVERQUOTA] Mailbox is full"); // RFC 9208
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void parseFlags(List<String> atoms, Set<Flag> flags, Set<String> keywords) throws Reply {
        for (String atom : atoms) {
            if (atom.startsWith("\\")) {
                Optional<Flag> flag = Flag.fromAtom(atom);
                if (flag.isEmpty()) {
                    if (atom.equalsIgnoreCase("\\Recent")) {
                        continue;
                    }
                    throw Reply.bad("Unknown system flag " + ImapSession.printable(atom));
                }
                flags.add(flag.get());
            } else {
                if (keywords.size() >= 64) {
                    throw Reply.no("[LIMIT] Too many keywords");
                }
                keywords.add(atom);
            }
        }
    }

    /** CLOSE expunges silently where the mailbox is writable; UNSELECT only leaves. */
    String close(SelectedMailbox box, ImapArgs args, boolean expunge) throws IOException, ImapArgs.Syntax {
        args.end();
        if (expunge && !box.readOnly) {
            // RFC 9051 6.4.1: CLOSE expunges silently.
            store.expunge(session.account(), box.name, deletedUids(box, Optional.empty()));
        }
        session.closeSelected();
        return (expunge ? "CLOSE" : "UNSELECT") + " completed";
    }

    String expunge(SelectedMailbox box, ImapArgs args, boolean uid) throws IOException, ImapArgs.Syntax, Reply {
        Optional<SequenceSet> only = Optional.empty();
        if (uid) {
            args.sp();
            only = Optional.of(args.sequenceSet());
        }
        args.end();
        if (box.readOnly) {
            throw Reply.no("[READ-ONLY] Mailbox is read-only");
        }
        List<Long> expunged = store.expunge(session.account(), box.name, deletedUids(box, only));
        session.announcer().expunged(box, expunged);
        session.announceChanges(true);
        return "EXPUNGE completed";
    }

    private static List<Long> deletedUids(SelectedMailbox box, Optional<SequenceSet> only) {
        List<Long> result = new ArrayList<>();
        for (int seq = 1; seq <= box.size(); seq++) {
            StoredMessage m = box.message(seq);
            if (m.flags().contains(Flag.DELETED) && (only.isEmpty() || only.get().contains(m.uid(), box.maxUid()))) {
                result.add(m.uid());
            }
        }
        return result;
    }

    /** The UIDs of the messages a set names, in the mailbox's order. */
    static List<Long> resolve(SelectedMailbox box, SequenceSet set, boolean uid) {
        List<Long> result = new ArrayList<>();
        long max = uid ? box.maxUid() : box.size();
        for (int seq = 1; seq <= box.size(); seq++) {
            long key = uid ? box.uid(seq) : seq;
            if (set.contains(key, max)) {
                result.add(box.uid(seq));
            }
        }
        return result;
    }

    String storeFlags(SelectedMailbox box, ImapArgs args, boolean uid) throws IOException, ImapArgs.Syntax, Reply {
        args.sp();
        SequenceSet set = args.sequenceSet();
        if (!uid && !set.ranges().isEmpty() && box.size() == 0) {
            throw Reply.bad("No messages");
        }
        args.sp();
        OptionalLong unchangedSince = OptionalLong.empty();
        if (args.tryChar('(')) {
            String modifier = args.atom();
            if (!modifier.equalsIgnoreCase("UNCHANGEDSINCE")) {
                throw Reply.bad("Unknown STORE modifier");
            }
            args.sp();
            unchangedSince = OptionalLong.of(args.number());
            args.expect(')');
            args.sp();
            session.extensions().condstoreUsed();
        }
        String item = args.atom().toUpperCase(Locale.ROOT);
        FlagChange.Mode mode = item.startsWith("+") ? FlagChange.Mode.ADD
                : item.startsWith("-") ? FlagChange.Mode.REMOVE : FlagChange.Mode.REPLACE;
        String base = item.replaceFirst("^[+-]", "");
        boolean silent = base.endsWith(".SILENT");
        if (!base.replace(".SILENT", "").equals("FLAGS")) {
            throw Reply.bad("Expected FLAGS");
        }
        args.sp();
        List<String> atoms;
        if (args.peek() == '(') {
            atoms = args.atomList();
        } else {
            atoms = new ArrayList<>();
            atoms.add(args.flag());
            while (args.trySp()) {
                atoms.add(args.flag());
            }
        }
        args.end();
        if (box.readOnly) {
            throw Reply.no("[READ-ONLY] Mailbox is read-only");
        }
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        Set<String> keywords = new LinkedHashSet<>();
        parseFlags(atoms, flags, keywords);
        List<Long> uids = resolve(box, set, uid);
        FlagResult result = store.storeFlags(box.account, box.name, uids, new FlagChange(mode, flags, keywords),
                unchangedSince);
        for (StoredMessage m : result.changed()) {
            box.update(m);
        }
        List<StoredMessage> report = new ArrayList<>(result.changed());
        if (!silent) {
            report.addAll(result.unchanged());
        }
        report.sort(Comparator.comparingLong(StoredMessage::uid));
        for (StoredMessage m : report) {
            int seq = box.seqOf(m.uid());
            boolean changed = result.changed().contains(m);
            if (seq == 0 || (silent && !(changed && session.extensions().condstore()))) {
                continue;
            }
            Response r = new Response().raw("* " + seq + " FETCH (");
            List<String> parts = new ArrayList<>();
            if (!silent) {
                parts.add("FLAGS " + FetchCommand.flags(m));
            }
            if (uid) {
                parts.add("UID " + m.uid());
            }
            if (session.extensions().condstore()) {
                parts.add("MODSEQ (" + m.modSeq() + ")");
            }
            session.send(r.raw(String.join(" ", parts)).raw(")").toText());
        }
        if (!result.modified().isEmpty()) {
            List<Long> keys = new ArrayList<>();
            for (long u : result.modified()) {
                keys.add(uid ? u : box.seqOf(u));
            }
            keys.sort(null);
            return "[MODIFIED " + SequenceSet.format(keys) + "] Conditional STORE failed for some";
        }
        return "STORE completed";
    }

    String copy(SelectedMailbox box, ImapArgs args, boolean uid, boolean move)
            throws IOException, ImapArgs.Syntax, Reply {
        args.sp();
        SequenceSet set = args.sequenceSet();
        args.sp();
        String target = session.mailboxName(args);
        args.end();
        String user = session.account();
        if (store.mailbox(user, target).isEmpty()) {
            throw Reply.no("[TRYCREATE] No such mailbox");
        }
        List<Long> uids = resolve(box, set, uid);
        if (move && box.readOnly) {
            throw Reply.no("[READ-ONLY] Mailbox is read-only");
        }
        CopyOutcome outcome = move
                ? store.move(user, box.name, uids, target)
                : store.copy(user, box.name, uids, target, context.directory().quota(user));
        if (!(outcome instanceof CopyOutcome.Copied copied)) {
            throw Reply.no("[OVERQUOTA] Mailbox is full");
        }
        String copyUid = copied.sourceUids().isEmpty() ? ""
                : "[COPYUID " + copied.uidValidity() + " " + SequenceSet.format(copied.sourceUids()) + " "
                        + SequenceSet.format(copied.targetUids()) + "] ";
        if (move) {
            // RFC 6851 3.3: COPYUID comes in an untagged OK before the expunges.
            if (!copyUid.isEmpty()) {
                session.untagged("OK " + copyUid.trim() + " Moved");
            }
            session.announcer().expunged(box, copied.sourceUids());
            session.announceChanges(true);
            return "MOVE completed";
        }
        session.announceChanges(uid);
        return copyUid + "COPY completed";
    }
}
