package org.bastionmail.imap;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.bastionmail.store.Flag;
import org.bastionmail.store.FlagChange;
import org.bastionmail.store.FlagResult;
import org.bastionmail.store.MailboxStore;
import org.bastionmail.store.StoredMessage;

/** FETCH and UID FETCH (RFC 9051 6.4.5, RFC 3516 BINARY, RFC 7162 CHANGEDSINCE). */
final class FetchCommand {
    private final ImapSession session;
    private final MailboxStore store;
    private final SelectedMailbox box;
    private MailboxStore.ContentSource contents;

    /** One requested data item. */
    record Item(String kind, Section section, boolean peek, long offset, long length) {}

    FetchCommand(ImapSession session, MailboxStore store, SelectedMailbox box) {
        this.session = session;
        this.store = store;
        this.box = box;
    }

    static String flags(StoredMessage m) {
        List<String> all = new ArrayList<>();
        for (Flag flag : Flag.values()) {
            if (m.flags().contains(flag)) {
                all.add(flag.atom());
            }
        }
        all.addAll(m.keywords());
        return "(" + String.join(" ", all) + ")";
    }

    void run(ImapArgs args, boolean uid) throws IOException, ImapArgs.Syntax, Reply {
        args.sp();
        SequenceSet set = args.sequenceSet();
        args.sp();
        List<Item> items = new ArrayList<>();
        if (args.tryChar('(')) {
            while (!args.tryChar(')')) {
                if (!items.isEmpty()) {
                    args.sp();
                }
                items.addAll(item(args));
                if (items.size() > 100) {
                    throw new ImapArgs.Syntax("Too many fetch items");
                }
            }
        } else {
            items.addAll(item(args));
        }
        OptionalLong changedSince = OptionalLong.empty();
        boolean vanished = false;
        if (args.trySp()) {
            args.expect('(');
            while (!args.tryChar(')')) {
                args.trySp();
                String modifier = args.atom().toUpperCase(Locale.ROOT);
                if (modifier.equals("CHANGEDSINCE")) {
                    args.sp();
                    changedSince = OptionalLong.of(args.number());
                } else if (modifier.equals("VANISHED") && uid && session.extensions().qresync()) {
                    vanished = true;
                } else {
                    throw new ImapArgs.Syntax("Unknown FETCH modifier");
                }
            }
        }
        args.end();
        if (vanished && changedSince.isEmpty()) {
            throw new ImapArgs.Syntax("VANISHED needs CHANGEDSINCE");
        }
        if (uid && items.stream().noneMatch(i -> i.kind.equals("UID"))) {
            items.addFirst(new Item("UID", null, false, -1, -1)); // RFC 9051 6.4.9
        }
        if (changedSince.isPresent() && items.stream().noneMatch(i -> i.kind.equals("MODSEQ"))) {
            items.add(new Item("MODSEQ", null, false, -1, -1));
        }
        List<Long> uids = MessageCommands.resolve(box, set, uid);
        if (vanished) {
            List<Long> gone = new ArrayList<>();
            for (long u : store.changesSince(box.account, box.name, changedSince.getAsLong()).orElseThrow().vanished()) {
                if (set.contains(u, box.maxUid()) && box.seqOf(u) == 0) {
                    gone.add(u);
                }
            }
            if (!gone.isEmpty()) {
                session.untagged("VANISHED (EARLIER) " + SequenceSet.format(gone));
            }
        }
        for (long u : uids) {
            int seq = box.seqOf(u);
            StoredMessage message = box.message(seq);
            if (changedSince.isPresent() && message.modSeq() <= changedSince.getAsLong()) {
                continue;
            }
            fetchOne(seq, message, items);
        }
    }

    private static List<Item> item(ImapArgs args) throws ImapArgs.Syntax {
        String name = args.chars(c -> ImapArgs.isAtomChar(c) && c != '[').toUpperCase(Locale.ROOT);
        switch (name) {
            case "ALL" -> {
                return items("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE");
            }
            case "FAST" -> {
                return items("FLAGS", "INTERNALDATE", "RFC822.SIZE");
            }
            case "FULL" -> {
                return items("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY");
            }
            case "FLAGS", "UID", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODYSTRUCTURE", "RFC822",
                    "RFC822.HEADER", "RFC822.TEXT", "MODSEQ" -> {
                return items(name);
            }
            case "BODY", "BODY.PEEK", "BINARY", "BINARY.PEEK", "BINARY.SIZE" -> {
                if (!args.tryChar('[')) {
                    if (name.equals("BODY")) {
                        return items("BODY");
                    }
                    throw new ImapArgs.Syntax("Expected [");
                }
                Section section = Section.parse(args);
                if (name.startsWith("BINARY") && !section.specifier().isEmpty()) {
                    throw new ImapArgs.Syntax("BINARY takes a part number only");
                }
                long offset = -1;
                long length = -1;
                if (!name.equals("BINARY.SIZE") && args.tryChar('<')) {
                    offset = args.number();
                    args.expect('.');
                    length = args.number();
                    args.expect('>');
                }
                String kind = name.startsWith("BINARY") ? (name.equals("BINARY.SIZE") ? "BINARY.SIZE" : "BINARY")
                        : "SECTION";
                return List.of(new Item(kind, section, name.endsWith(".PEEK") || name.equals("BINARY.SIZE"), offset,
                        length));
            }
            default -> throw new ImapArgs.Syntax("Unknown fetch item");
        }
    }

    private static List<Item> items(String... kinds) {
        List<Item> list = new ArrayList<>();
        for (String kind : kinds) {
            list.add(new Item(kind, null, false, -1, -1));
        }
        return list;
    }

    private void fetchOne(int seq, StoredMessage message, List<Item> items) throws IOException, Reply {
        boolean setsSeen = !box.readOnly && !message.flags().contains(Flag.SEEN) && items.stream().anyMatch(i ->
                (i.kind.equals("SECTION") || i.kind.equals("BINARY")) && !i.peek
                        || i.kind.equals("RFC822") || i.kind.equals("RFC822.TEXT"));
        if (setsSeen) {
            FlagResult result = store.storeFlags(box.account, box.name, List.of(message.uid()),
                    new FlagChange(FlagChange.Mode.ADD, Set.of(Flag.SEEN), Set.of()), OptionalLong.empty());
            for (StoredMessage m : result.changed()) {
                box.update(m);
                message = m;
            }
        }
        Response r = new Response().raw("* " + seq + " FETCH (");
        MimeEntity mime = null;
        boolean first = true;
        boolean flagsSent = false;
        for (Item item : items) {
            r.raw(first ? "" : " ");
            first = false;
            if (needsContent(item.kind) && mime == null) {
                mime = MimeEntity.parse(content(message));
            }
            switch (item.kind) {
                case "FLAGS" -> {
                    r.raw("FLAGS " + flags(message));
                    flagsSent = true;
                }
                case "UID" -> r.raw("UID " + message.uid());
                case "MODSEQ" -> r.raw("MODSEQ (" + message.modSeq() + ")");
                case "INTERNALDATE" -> r.raw("INTERNALDATE \"" + DateTimes.formatDateTime(message.internalDate()) + "\"");
                case "RFC822.SIZE" -> r.raw("RFC822.SIZE " + message.size());
                case "ENVELOPE" -> {
                    r.raw("ENVELOPE ");
                    MessageDescription.envelope(mime, r);
                }
                case "BODY", "BODYSTRUCTURE" -> {
                    r.raw(item.kind + " ");
                    MessageDescription.structure(mime, item.kind.equals("BODYSTRUCTURE"), r);
                }
                case "RFC822" -> r.raw("RFC822 ").literal(mime.raw);
                case "RFC822.HEADER" -> r.raw("RFC822.HEADER ").literal(mime.header());
                case "RFC822.TEXT" -> r.raw("RFC822.TEXT ").literal(mime.body());
                case "SECTION" -> {
                    byte[] bytes = item.section.extract(mime).orElse(new byte[0]);
                    r.raw("BODY[" + item.section.label() + "]");
                    partial(r, bytes, item);
                }
                case "BINARY", "BINARY.SIZE" -> {
                    Optional<MimeEntity> part = item.section.part(mime);
                    Optional<byte[]> decoded = part.filter(p -> !p.isMultipart())
                            .flatMap(ContentDecoding::decodedBody);
                    if (part.isPresent() && decoded.isEmpty()) {
                        throw Reply.no("[UNKNOWN-CTE] Cannot decode this part"); // RFC 3516 4.3
                    }
                    byte[] bytes = decoded.orElse(new byte[0]);
                    if (item.kind.equals("BINARY.SIZE")) {
                        r.raw("BINARY.SIZE[" + item.section.label() + "] " + bytes.length);
                    } else {
                        r.raw("BINARY[" + item.section.label() + "]");
                        partial(r, bytes, item);
                    }
                }
                default -> throw new IllegalStateException(item.kind);
            }
        }
        if (setsSeen && !flagsSent) {
            r.raw(" FLAGS " + flags(message)); // RFC 9051 6.4.5: the \Seen change is reported
        }
        if (session.extensions().condstore() && items.stream().noneMatch(i -> i.kind.equals("MODSEQ"))) {
            r.raw(" MODSEQ (" + message.modSeq() + ")"); // RFC 7162 3.2: once enabled, always
        }
        r.raw(")");
        session.sendBytes(r.bytes());
    }

    private static void partial(Response r, byte[] bytes, Item item) {
        if (item.offset < 0) {
            r.raw(" ").literal(bytes);
            return;
        }
        int from = (int) Math.min(bytes.length, item.offset);
        int to = (int) Math.min(bytes.length, from + item.length);
        r.raw("<" + item.offset + "> ").literal(java.util.Arrays.copyOfRange(bytes, from, to));
    }

    private static boolean needsContent(String kind) {
        return !Set.of("FLAGS", "UID", "MODSEQ", "INTERNALDATE", "RFC822.SIZE").contains(kind);
    }

    private byte[] content(StoredMessage message) throws IOException {
        if (contents == null) {
            contents = store.contents(box.account, box.name); // once per command, not per message
        }
        Optional<InputStream> in = contents.open(message.uid());
        if (in.isEmpty()) {
            return new byte[0]; // expunged by another session meanwhile
        }
        try (InputStream stream = in.get()) {
            return stream.readAllBytes();
        }
    }
}
