package org.bastionmail.imap;

import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.james.mime4j.dom.field.DateTimeField;
import org.apache.james.mime4j.field.DateTimeFieldLenientImpl;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.bastionmail.store.Flag;
import org.bastionmail.store.MailboxStore;
import org.bastionmail.store.StoredMessage;

/** SEARCH and UID SEARCH (RFC 9051 6.4.4), with ESEARCH results (RFC 4731) when RETURN is given. */
final class SearchCommand {
    private static final int MAX_DEPTH = 32;
    private final ImapSession session;
    private final MailboxStore store;
    private final SelectedMailbox box;
    private MailboxStore.ContentSource contents;

    /** A message as a search key sees it; the content is read only if a key needs it. */
    private final class Candidate {
        final int seq;
        final StoredMessage message;
        private MimeEntity mime;
        private String text;

        Candidate(int seq, StoredMessage message) {
            this.seq = seq;
            this.message = message;
        }

        MimeEntity mime() throws IOException {
            if (mime == null) {
                if (contents == null) {
                    contents = store.contents(box.account, box.name); // once per command, not per message
                }
                Optional<InputStream> in = contents.open(message.uid());
                byte[] raw = new byte[0];
                if (in.isPresent()) {
                    try (InputStream stream = in.get()) {
                        raw = stream.readAllBytes();
                    }
                }
                mime = MimeEntity.parse(raw);
            }
            return mime;
        }

        String header(String name) throws IOException {
            StringBuilder all = new StringBuilder();
            for (MimeEntity.HeaderField f : mime().fields) {
                if (f.name().equalsIgnoreCase(name)) {
                    all.append(ContentDecoding.headerText(f.value())).append('\n');
                }
            }
            return all.toString();
        }

        String bodyText() throws IOException {
            if (text == null) {
                text = ContentDecoding.bodyText(mime());
            }
            return text;
        }
    }

    @FunctionalInterface
    private interface Key {
        boolean matches(Candidate c) throws IOException;
    }

    SearchCommand(ImapSession session, MailboxStore store, SelectedMailbox box) {
        this.session = session;
        this.store = store;
        this.box = box;
    }

    void run(ImapArgs args, boolean uid, String tag) throws IOException, ImapArgs.Syntax, Reply {
        args.sp();
        List<String> returns = null;
        if (peekWord(args, "RETURN")) {
            args.atom();
            args.sp();
            returns = new ArrayList<>(args.atomList().stream().map(s -> s.toUpperCase(Locale.ROOT)).toList());
            if (returns.isEmpty()) {
                returns.add("ALL");
            }
            args.sp();
        }
        if (peekWord(args, "CHARSET")) {
            args.atom();
            args.sp();
            String charset = args.astring();
            if (!charset.equalsIgnoreCase("UTF-8") && !charset.equalsIgnoreCase("US-ASCII")) {
                throw Reply.no("[BADCHARSET (UTF-8)] Only UTF-8 is supported");
            }
            args.sp();
        }
        List<Key> keys = new ArrayList<>();
        keys.add(key(args, 0));
        while (args.trySp()) {
            keys.add(key(args, 0));
        }
        args.end();
        List<Long> found = new ArrayList<>();
        long maxModSeq = 0;
        for (int seq = 1; seq <= box.size(); seq++) {
            Candidate candidate = new Candidate(seq, box.message(seq));
            boolean all = true;
            for (Key key : keys) {
                if (!key.matches(candidate)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                found.add(uid ? candidate.message.uid() : seq);
                maxModSeq = Math.max(maxModSeq, candidate.message.modSeq());
            }
        }
        if (returns == null) {
            StringBuilder line = new StringBuilder("SEARCH");
            found.forEach(n -> line.append(' ').append(n));
            session.untagged(line.toString());
            return;
        }
        // RFC 4731 3: ESEARCH with the requested parts.
        StringBuilder line = new StringBuilder("ESEARCH (TAG ").append(new Response().string(tag).toText()).append(")");
        if (uid) {
            line.append(" UID");
        }
        for (String option : returns) {
            switch (option) {
                case "MIN" -> {
                    if (!found.isEmpty()) {
                        line.append(" MIN ").append(found.getFirst());
                    }
                }
                case "MAX" -> {
                    if (!found.isEmpty()) {
                        line.append(" MAX ").append(found.getLast());
                    }
                }
                case "COUNT" -> line.append(" COUNT ").append(found.size());
                case "ALL" -> {
                    if (!found.isEmpty()) {
                        line.append(" ALL ").append(SequenceSet.format(found));
                    }
                }
                case "SAVE" -> throw Reply.bad("SEARCHRES is not supported");
                default -> throw new ImapArgs.Syntax("Unknown RETURN option");
            }
        }
        session.untagged(line.toString());
    }

    private static boolean peekWord(ImapArgs args, String word) {
        // A cheap look-ahead: keys never start with RETURN or CHARSET.
        return args.peek() == word.charAt(0) || args.peek() == Character.toLowerCase(word.charAt(0))
                ? lookingAt(args, word) : false;
    }

    private static boolean lookingAt(ImapArgs args, String word) {
        return args.lookingAt(word + " ");
    }

    private Key key(ImapArgs args, int depth) throws ImapArgs.Syntax, Reply {
        if (depth > MAX_DEPTH) {
            throw new ImapArgs.Syntax("Search too deeply nested");
        }
        if (args.tryChar('(')) {
            List<Key> all = new ArrayList<>();
            all.add(key(args, depth + 1));
            while (args.trySp()) {
                all.add(key(args, depth + 1));
            }
            args.expect(')');
            return c -> {
                for (Key k : all) {
                    if (!k.matches(c)) {
                        return false;
                    }
                }
                return true;
            };
        }
        int first = args.peek();
        if ((first >= '0' && first <= '9') || first == '*' || first == '$') {
            SequenceSet set = args.sequenceSet();
            return c -> set.contains(c.seq, box.size());
        }
        String name = args.atom().toUpperCase(Locale.ROOT);
        return switch (name) {
            case "ALL" -> c -> true;
            case "ANSWERED" -> flag(Flag.ANSWERED, true);
            case "UNANSWERED" -> flag(Flag.ANSWERED, false);
            case "DELETED" -> flag(Flag.DELETED, true);
            case "UNDELETED" -> flag(Flag.DELETED, false);
            case "DRAFT" -> flag(Flag.DRAFT, true);
            case "UNDRAFT" -> flag(Flag.DRAFT, false);
            case "FLAGGED" -> flag(Flag.FLAGGED, true);
            case "UNFLAGGED" -> flag(Flag.FLAGGED, false);
            case "SEEN", "OLD" -> flag(Flag.SEEN, true);
            case "UNSEEN", "NEW" -> flag(Flag.SEEN, false);
            case "RECENT" -> c -> false; // \Recent is not kept (RFC 9051 removed it)
            case "KEYWORD", "UNKEYWORD" -> {
                args.sp();
                String keyword = args.atom();
                boolean want = name.equals("KEYWORD");
                yield c -> c.message.keywords().stream().anyMatch(keyword::equalsIgnoreCase) == want;
            }
            case "BCC", "CC", "FROM", "TO", "SUBJECT" -> {
                args.sp();
                String text = args.astring().toLowerCase(Locale.ROOT);
                yield c -> c.header(name).toLowerCase(Locale.ROOT).contains(text);
            }
            case "HEADER" -> {
                args.sp();
                String field = args.astring();
                args.sp();
                String text = args.astring().toLowerCase(Locale.ROOT);
                yield c -> {
                    String value = c.header(field);
                    return text.isEmpty() ? c.mime().field(field) != null
                            : value.toLowerCase(Locale.ROOT).contains(text);
                };
            }
            case "BODY" -> {
                args.sp();
                String text = args.astring().toLowerCase(Locale.ROOT);
                yield c -> c.bodyText().toLowerCase(Locale.ROOT).contains(text);
            }
            case "TEXT" -> {
                args.sp();
                String text = args.astring().toLowerCase(Locale.ROOT);
                yield c -> {
                    StringBuilder all = new StringBuilder();
                    for (MimeEntity.HeaderField f : c.mime().fields) {
                        all.append(f.name()).append(": ").append(ContentDecoding.headerText(f.value())).append('\n');
                    }
                    return all.toString().toLowerCase(Locale.ROOT).contains(text)
                            || c.bodyText().toLowerCase(Locale.ROOT).contains(text);
                };
            }
            case "BEFORE", "ON", "SINCE" -> {
                args.sp();
                LocalDate date = DateTimes.parseDate(args.astring());
                yield c -> compare(c.message.internalDate().atZone(ZoneOffset.UTC).toLocalDate(), date, name);
            }
            case "SENTBEFORE", "SENTON", "SENTSINCE" -> {
                args.sp();
                LocalDate date = DateTimes.parseDate(args.astring());
                yield c -> {
                    Optional<LocalDate> sent = sentDate(c.mime().field("Date"));
                    return sent.isPresent() && compare(sent.get(), date, name.substring(4));
                };
            }
            case "LARGER" -> {
                args.sp();
                long size = args.number();
                yield c -> c.message.size() > size;
            }
            case "SMALLER" -> {
                args.sp();
                long size = args.number();
                yield c -> c.message.size() < size;
            }
            case "UID" -> {
                args.sp();
                SequenceSet set = args.sequenceSet();
                yield c -> set.contains(c.message.uid(), box.maxUid());
            }
            case "NOT" -> {
                args.sp();
                Key inner = key(args, depth + 1);
                yield c -> !inner.matches(c);
            }
            case "OR" -> {
                args.sp();
                Key a = key(args, depth + 1);
                args.sp();
                Key b = key(args, depth + 1);
                yield c -> a.matches(c) || b.matches(c);
            }
            case "MODSEQ" -> {
                args.sp();
                if (args.atString()) { // RFC 7162 3.1.5 entry name and type, ignored
                    args.astring();
                    args.sp();
                    args.atom();
                    args.sp();
                }
                long modSeq = args.number();
                yield c -> c.message.modSeq() >= modSeq;
            }
            default -> throw new ImapArgs.Syntax("Unknown search key");
        };
    }

    private static Key flag(Flag flag, boolean set) {
        return c -> c.message.flags().contains(flag) == set;
    }

    private static boolean compare(LocalDate value, LocalDate date, String how) {
        return switch (how) {
            case "BEFORE" -> value.isBefore(date);
            case "ON" -> value.isEqual(date);
            default -> !value.isBefore(date);
        };
    }

    private static Optional<LocalDate> sentDate(String header) {
        if (header == null) {
            return Optional.empty();
        }
        try {
            DateTimeField field = DateTimeFieldLenientImpl.PARSER.parse(new RawField("Date", header), DecodeMonitor.SILENT);
            return field.getDate() == null ? Optional.empty()
                    : Optional.of(field.getDate().toInstant().atZone(ZoneOffset.UTC).toLocalDate());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
