package org.bastionmail.imap;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import javax.net.ssl.SSLSocket;
import org.bastionmail.sasl.SaslMechanism;
import org.bastionmail.sasl.SaslMechanisms;
import org.bastionmail.sasl.SaslStep;
import org.bastionmail.store.CopyOutcome;
import org.bastionmail.store.DeliveryOutcome;
import org.bastionmail.store.Flag;
import org.bastionmail.store.FlagChange;
import org.bastionmail.store.FlagResult;
import org.bastionmail.store.Mailbox;
import org.bastionmail.store.MailboxStore;
import org.bastionmail.store.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP connection (RFC 9051 IMAP4rev2 and RFC 3501 IMAP4rev1). Run it on its own virtual thread:
 * {@link #run()} blocks until the client leaves, and closes the socket.
 *
 * <p>The session is a loop: read a whole command (literals included), parse its name, act, reply. The
 * state (not authenticated, authenticated, selected) lives here; FETCH, SEARCH and LIST have their own
 * classes.
 */
public final class ImapSession implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ImapSession.class);
    /** Auth mechanisms offered over TLS; LOGIN is SMTP's and not an IMAP habit. */
    private static final List<String> MECHANISMS = List.of("SCRAM-SHA-256", "PLAIN");

    private final ImapContext context;
    private final MailboxStore store;
    private Socket socket;
    private OutputStream out;
    private ImapInput in;
    private CommandReader reader;
    private boolean tls;
    private Optional<String> account = Optional.empty();
    private Optional<SelectedMailbox> selected = Optional.empty();
    private final Set<String> enabled = new LinkedHashSet<>();
    private int badCommands;
    private int failedLogins;
    private int floodRefusals;
    private boolean loggingOut;
    private Optional<UserConnections.Slot> slot = Optional.empty();
    private final CommandRate rate;

    /**
     * @param socket the accepted connection; already an {@link SSLSocket} when {@code context.implicitTls()}
     * @param context what the listener's sessions share
     */
    public ImapSession(Socket socket, ImapContext context) {
        this.socket = socket;
        this.context = context;
        this.store = context.store();
        this.rate = new CommandRate(context.limits().commandBurst(), context.limits().commandsPerSecond(),
                context.clock().millis());
    }

    /** Runs the whole session and closes the connection. Never throws. */
    @Override
    public void run() {
        try {
            if (socket instanceof SSLSocket ssl) {
                ssl.startHandshake();
                tls = true;
            }
            useSocket(socket);
            untagged("OK [CAPABILITY " + capabilities() + "] " + context.hostname() + " IMAP server ready");
            while (!loggingOut) {
                in.timeout(context.limits().idleTimeout());
                byte[] command;
                try {
                    command = reader.read();
                } catch (CommandReader.TooBig e) {
                    send(e.tag + " BAD " + e.text);
                    if (e.fatal || ++badCommands > context.limits().badCommands()) {
                        untagged("BYE Too many errors");
                        break;
                    }
                    continue;
                }
                if (!rate.take(context.clock().millis())) {
                    refuseFlood(command);
                    continue;
                }
                serve(command);
            }
        } catch (SocketTimeoutException e) {
            tryToSend("* BYE Autologout; idle for too long"); // RFC 9051 5.4
        } catch (Closed | EOFException e) {
            // the client left, or we said BYE
        } catch (IOException e) {
            LOG.debug("imap session: connection error: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.error("imap session: internal error", e);
            tryToSend("* BYE Internal error");
        } finally {
            slot.ifPresent(UserConnections.Slot::close);
            selected.ifPresent(SelectedMailbox::close);
            try {
                out.flush();
            } catch (IOException | RuntimeException e) {
                // closing anyway
            }
            try {
                socket.close();
            } catch (IOException e) {
                // nothing more to do
            }
        }
    }

    /** Thrown to end the session after the last response was sent. */
    static final class Closed extends IOException {
        Closed() {
            super("closed", null);
        }
    }

    /** A command over the rate is not run; a client that keeps flooding is dropped. */
    private void refuseFlood(byte[] command) throws IOException {
        String tag;
        try {
            tag = new ImapArgs(command).tag();
        } catch (ImapArgs.Syntax e) {
            tag = "*";
        }
        if (++floodRefusals >= context.limits().floodRefusals()) {
            LOG.info("imap: dropping a client that sends too many commands");
            untagged("BYE Too many commands; closing");
            send(tag + " NO [LIMIT] Too many commands");
            throw new Closed();
        }
        send(tag + " NO [LIMIT] Too many commands; slow down"); // RFC 5530 3
    }

    private void useSocket(Socket s) throws IOException {
        socket = s;
        out = new BufferedOutputStream(s.getOutputStream(), 16384);
        in = new ImapInput(s, out);
        ImapLimits limits = context.limits();
        reader = new CommandReader(in, out, limits.lineLength(), limits.commandSize(), limits.messageSize());
    }

    private String capabilities() {
        List<String> caps = new ArrayList<>(List.of("IMAP4rev1", "IMAP4rev2", "LITERAL+", "SASL-IR", "ENABLE", "ID",
                "IDLE", "NAMESPACE", "UNSELECT", "UIDPLUS", "MOVE", "CHILDREN", "SPECIAL-USE", "LIST-EXTENDED",
                "LIST-STATUS", "CONDSTORE", "QRESYNC", "QUOTA", "QUOTA=RES-STORAGE", "ESEARCH", "BINARY",
                "STATUS=SIZE", "UTF8=ACCEPT", "APPENDLIMIT=" + context.limits().messageSize()));
        if (!tls) {
            if (context.starttls().isPresent()) {
                caps.add("STARTTLS");
            }
            caps.add("LOGINDISABLED"); // RFC 9051 6.2.3: no password in the clear
        } else if (account.isEmpty()) {
            MECHANISMS.forEach(m -> caps.add("AUTH=" + m));
        }
        return String.join(" ", caps);
    }

    // ---- output ----

    void send(String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.write('\r');
        out.write('\n');
    }

    void untagged(String text) throws IOException {
        send("* " + text);
    }

    private void tryToSend(String line) {
        try {
            send(line);
            out.flush();
        } catch (IOException | RuntimeException e) {
            // closing anyway
        }
    }

    boolean utf8Names() {
        return enabled.contains("UTF8=ACCEPT") || enabled.contains("IMAP4REV2");
    }

    boolean condstore() {
        return enabled.contains("CONDSTORE") || enabled.contains("QRESYNC");
    }

    boolean qresync() {
        return enabled.contains("QRESYNC");
    }

    // ---- dispatch ----

    /** A reply that ends a command: the status, and the text after it. */
    static final class Reply extends Exception {
        final String status;

        Reply(String status, String text) {
            super(text, null, false, false);
            this.status = status;
        }

        static Reply no(String text) {
            return new Reply("NO", text);
        }

        static Reply bad(String text) {
            return new Reply("BAD", text);
        }
    }

    private void serve(byte[] command) throws IOException {
        ImapArgs args = new ImapArgs(command);
        String tag = "*";
        try {
            tag = args.tag();
            args.sp();
            String name = args.atom().toUpperCase(Locale.ROOT);
            String ok = act(tag, name, args);
            badCommands = 0;
            send(tag + " OK " + ok);
        } catch (Silent e) {
            // the command answered itself
        } catch (ImapArgs.Syntax e) {
            reject(tag, "BAD", e.getMessage());
        } catch (Reply r) {
            reject(tag, r.status, r.getMessage());
        } catch (IllegalArgumentException e) {
            // The store refuses names and arguments with a message meant for the user.
            send(tag + " NO " + printable(e.getMessage()));
        }
    }

    private void reject(String tag, String status, String text) throws IOException {
        send(tag + " " + status + " " + printable(text));
        if (status.equals("BAD") && ++badCommands > context.limits().badCommands()) {
            untagged("BYE Too many protocol errors");
            throw new Closed();
        }
    }

    private static String printable(String text) {
        return text == null ? "Failed" : text.replaceAll("[\\x00-\\x1f\\x7f]", "?");
    }

    private String act(String tag, String name, ImapArgs args) throws IOException, ImapArgs.Syntax, Reply {
        // Commands valid in every state (RFC 9051 6.1).
        switch (name) {
            case "CAPABILITY" -> {
                args.end();
                untagged("CAPABILITY " + capabilities());
                return "CAPABILITY completed";
            }
            case "NOOP" -> {
                args.end();
                announceChanges(true);
                return "NOOP completed";
            }
            case "LOGOUT" -> {
                args.end();
                untagged("BYE Logging out");
                loggingOut = true;
                return "LOGOUT completed";
            }
            case "ID" -> {
                id(args);
                return "ID completed";
            }
            default -> { }
        }
        if (account.isEmpty()) {
            return switch (name) {
                case "STARTTLS" -> startTls(tag, args);
                case "LOGIN" -> login(args);
                case "AUTHENTICATE" -> authenticate(tag, args);
                default -> throw Reply.bad("Command unknown or not valid before login");
            };
        }
        String result = authenticatedCommand(tag, name, args);
        return result;
    }

    private String authenticatedCommand(String tag, String name, ImapArgs args)
            throws IOException, ImapArgs.Syntax, Reply {
        String user = account.orElseThrow();
        boolean uid = false;
        if (name.equals("UID")) {
            args.sp();
            name = args.atom().toUpperCase(Locale.ROOT);
            uid = true;
            if (!Set.of("FETCH", "STORE", "SEARCH", "COPY", "MOVE", "EXPUNGE").contains(name)) {
                throw Reply.bad("Unknown UID command");
            }
        }
        switch (name) {
            case "ENABLE" -> {
                return enable(args);
            }
            case "NAMESPACE" -> {
                args.end();
                untagged("NAMESPACE ((\"\" \"/\")) NIL NIL"); // RFC 2342: one personal namespace
                return "NAMESPACE completed";
            }
            case "SELECT", "EXAMINE" -> {
                return select(args, name.equals("EXAMINE"));
            }
            case "CREATE" -> {
                args.sp();
                String mailbox = mailboxName(args);
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
            case "DELETE" -> {
                args.sp();
                String mailbox = mailboxName(args);
                args.end();
                requireMailbox(user, mailbox);
                if (selected.isPresent() && selected.get().name.equals(Mailbox.checkName(mailbox))) {
                    closeSelected();
                }
                store.deleteMailbox(user, mailbox);
                return "DELETE completed";
            }
            case "RENAME" -> {
                args.sp();
                String from = mailboxName(args);
                args.sp();
                String to = mailboxName(args);
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
            case "SUBSCRIBE", "UNSUBSCRIBE" -> {
                args.sp();
                String mailbox = mailboxName(args);
                args.end();
                requireMailbox(user, mailbox);
                store.setSubscribed(user, mailbox, name.equals("SUBSCRIBE"));
                return name + " completed";
            }
            case "LIST", "LSUB" -> {
                new ListCommand(this, store, user).run(args, name.equals("LSUB"));
                return name + " completed";
            }
            case "STATUS" -> {
                args.sp();
                String mailbox = mailboxName(args);
                args.sp();
                List<String> items = args.atomList();
                args.end();
                Mailbox box = requireMailbox(user, mailbox);
                untagged(statusLine(box, items));
                return "STATUS completed";
            }
            case "APPEND" -> {
                return append(args);
            }
            case "GETQUOTAROOT" -> {
                args.sp();
                String mailbox = mailboxName(args);
                args.end();
                requireMailbox(user, mailbox);
                untagged("QUOTAROOT " + new Response().string(MailboxNames.toWire(mailbox, utf8Names()))
                        .raw(" \"\"").toText());
                untagged(quotaLine());
                return "GETQUOTAROOT completed";
            }
            case "GETQUOTA" -> {
                args.sp();
                String root = args.astring();
                args.end();
                if (!root.isEmpty()) {
                    throw Reply.no("No such quota root");
                }
                untagged(quotaLine());
                return "GETQUOTA completed";
            }
            case "SETQUOTA" -> throw Reply.no("Quotas are set by the administrator");
            case "IDLE" -> {
                args.end();
                return idle(tag);
            }
            default -> { }
        }
        if (selected.isEmpty()) {
            throw Reply.bad("Command unknown or needs a selected mailbox");
        }
        SelectedMailbox box = selected.get();
        switch (name) {
            case "CHECK" -> {
                args.end();
                announceChanges(true);
                return "CHECK completed";
            }
            case "CLOSE", "UNSELECT" -> {
                args.end();
                if (name.equals("CLOSE") && !box.readOnly) {
                    // RFC 9051 6.4.1: CLOSE expunges silently.
                    store.expunge(user, box.name, deletedUids(box, Optional.empty()));
                }
                closeSelected();
                return name + " completed";
            }
            case "EXPUNGE" -> {
                Optional<SequenceSet> only = Optional.empty();
                if (uid) {
                    args.sp();
                    only = Optional.of(args.sequenceSet());
                }
                args.end();
                if (box.readOnly) {
                    throw Reply.no("[READ-ONLY] Mailbox is read-only");
                }
                List<Long> expunged = store.expunge(user, box.name, deletedUids(box, only));
                announceExpunged(box, expunged);
                announceChanges(true);
                return "EXPUNGE completed";
            }
            case "FETCH" -> {
                new FetchCommand(this, store, box).run(args, uid);
                announceChanges(uid);
                return "FETCH completed";
            }
            case "SEARCH" -> {
                new SearchCommand(this, store, box).run(args, uid, tag);
                announceChanges(uid);
                return "SEARCH completed";
            }
            case "STORE" -> {
                String result = storeFlags(box, args, uid);
                announceChanges(uid);
                return result;
            }
            case "COPY", "MOVE" -> {
                return copy(box, args, uid, name.equals("MOVE"));
            }
            default -> throw Reply.bad("Unknown command");
        }
    }

    // ---- not authenticated ----

    private String startTls(String tag, ImapArgs args) throws IOException, ImapArgs.Syntax, Reply {
        args.end();
        if (tls) {
            throw Reply.bad("TLS is already active");
        }
        if (context.starttls().isEmpty()) {
            throw Reply.bad("STARTTLS is not available");
        }
        send(tag + " OK Begin TLS negotiation now");
        out.flush();
        if (in.hasBuffered()) {
            // RFC 9051 6.2.1 / CVE-2011-0411: plaintext pipelined after STARTTLS would be taken as
            // sent under TLS.
            LOG.warn("imap: plaintext pipelined after STARTTLS, dropping the connection");
            throw new Closed();
        }
        SSLSocket ssl = context.starttls().get().upgrade(socket);
        tls = true;
        useSocket(ssl);
        throw new Silent();
    }

    /** A command that has already sent its tagged reply. */
    static final class Silent extends RuntimeException {
        Silent() {
            super(null, null, false, false);
        }
    }

    private String login(ImapArgs args) throws IOException, ImapArgs.Syntax, Reply {
        args.sp();
        String user = args.astring();
        args.sp();
        String password = args.astring();
        args.end();
        if (!tls) {
            throw Reply.no("[PRIVACYREQUIRED] LOGIN only over TLS"); // RFC 9051 6.2.3
        }
        Optional<String> verified = context.directory().verifyPassword(user, password.getBytes(StandardCharsets.UTF_8));
        return loggedIn(verified);
    }

    private String loggedIn(Optional<String> verified) throws IOException, Reply {
        if (verified.isEmpty()) {
            failedLogins++;
            context.authFailures().failed(socket.getInetAddress(), "imap");
            // A guesser pays for every attempt: the wait doubles with each failure on this connection.
            Duration delay = context.limits().loginDelay().multipliedBy(1L << Math.min(failedLogins - 1, 3));
            try {
                context.pause().sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Closed();
            }
            if (failedLogins >= context.limits().failedLogins()) {
                send("* BYE Too many failed logins");
                out.flush();
                throw new Closed();
            }
            throw Reply.no("[AUTHENTICATIONFAILED] Authentication failed");
        }
        Optional<UserConnections.Slot> taken = context.connections().take(verified.get(),
                context.limits().connectionsPerUser());
        if (taken.isEmpty()) {
            LOG.info("imap: {} holds too many connections", verified.get());
            throw Reply.no("[LIMIT] Too many connections for this user"); // RFC 5530 3
        }
        context.authFailures().succeeded(socket.getInetAddress(), "imap");
        slot = taken;
        account = verified;
        store.ensureAccount(verified.get());
        LOG.info("imap: {} logged in", verified.get());
        return "[CAPABILITY " + capabilities() + "] Logged in";
    }

    private String authenticate(String tag, ImapArgs args) throws IOException, ImapArgs.Syntax, Reply {
        args.sp();
        String mechanismName = args.atom();
        Optional<byte[]> initial = Optional.empty();
        if (args.trySp()) {
            String ir = args.atom(); // RFC 4959 SASL-IR; "=" is an empty response
            initial = Optional.of(ir.equals("=") ? new byte[0] : base64(ir));
        }
        args.end();
        if (!tls) {
            throw Reply.no("[PRIVACYREQUIRED] Authentication only over TLS");
        }
        if (!MECHANISMS.contains(mechanismName.toUpperCase(Locale.ROOT))) {
            throw Reply.no("Unsupported mechanism");
        }
        SaslMechanism mechanism = SaslMechanisms.create(mechanismName, context.directory()).orElseThrow();
        SaslStep step = mechanism.start(initial);
        while (true) {
            switch (step) {
                case SaslStep.Challenge c -> {
                    send("+ " + Base64.getEncoder().encodeToString(c.data()));
                    byte[] line = readContinuationLine();
                    String text = new String(line, StandardCharsets.US_ASCII).trim();
                    if (text.equals("*")) {
                        throw Reply.bad("Authentication cancelled"); // RFC 9051 6.2.2
                    }
                    step = mechanism.next(base64(text));
                }
                case SaslStep.Success s -> {
                    if (s.additionalData().length > 0) {
                        // RFC 9051 6.2.2: final server data goes in a continuation, answered by an empty line.
                        send("+ " + Base64.getEncoder().encodeToString(s.additionalData()));
                        readContinuationLine();
                    }
                    return loggedIn(Optional.of(s.account()));
                }
                case SaslStep.Failure f -> {
                    LOG.info("imap: authentication failed: {}", f.reason());
                    return loggedIn(Optional.empty());
                }
                case SaslStep.Malformed m -> throw Reply.bad("Malformed authentication data");
            }
        }
    }

    private byte[] readContinuationLine() throws IOException, Reply {
        try {
            byte[] line = reader.read();
            if (line.length > 16384) {
                throw Reply.bad("Response too long");
            }
            return line;
        } catch (CommandReader.TooBig e) {
            throw Reply.bad("Response too long");
        }
    }

    private static byte[] base64(String text) throws Reply {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw Reply.bad("Invalid base64");
        }
    }

    /** RFC 2971 ID: we read the client's list and say nothing about ourselves (no software version). */
    private void id(ImapArgs args) throws IOException, ImapArgs.Syntax {
        args.sp();
        if (args.atString() || args.peek() != '(') {
            args.nstring();
        } else {
            args.expect('(');
            int n = 0;
            while (!args.tryChar(')')) {
                if (n++ > 0) {
                    args.sp();
                }
                args.nstring();
                if (n > 60) {
                    throw new ImapArgs.Syntax("ID list too long");
                }
            }
        }
        args.end();
        untagged("ID NIL");
    }

    // ---- authenticated ----

    private String enable(ImapArgs args) throws IOException, ImapArgs.Syntax {
        List<String> now = new ArrayList<>();
        while (args.trySp()) {
            String capability = args.atom().toUpperCase(Locale.ROOT);
            if (Set.of("CONDSTORE", "QRESYNC", "IMAP4REV2", "UTF8=ACCEPT").contains(capability)
                    && enabled.add(capability)) {
                now.add(capability);
            }
        }
        args.end();
        untagged("ENABLED" + (now.isEmpty() ? "" : " " + String.join(" ", now)));
        return "ENABLE completed";
    }

    String mailboxName(ImapArgs args) throws ImapArgs.Syntax, Reply {
        String wire = args.astring();
        try {
            return MailboxNames.fromWire(wire, utf8Names());
        } catch (IllegalArgumentException e) {
            throw Reply.no("[CANNOT] " + e.getMessage());
        }
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

    private String select(ImapArgs args, boolean readOnly) throws IOException, ImapArgs.Syntax, Reply {
        args.sp();
        String name = mailboxName(args);
        long qresyncValidity = -1;
        long qresyncModSeq = 0;
        Optional<SequenceSet> knownUids = Optional.empty();
        if (args.trySp()) {
            args.expect('(');
            while (!args.tryChar(')')) {
                args.trySp();
                String param = args.atom().toUpperCase(Locale.ROOT);
                if (param.equals("CONDSTORE")) {
                    enabled.add("CONDSTORE");
                } else if (param.equals("QRESYNC")) {
                    if (!qresync()) {
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
        closeSelected();
        String user = account.orElseThrow();
        Mailbox mailbox = requireMailbox(user, name);
        SelectedMailbox box = new SelectedMailbox(store, mailbox, readOnly);
        selected = Optional.of(box);
        // RFC 9051 6.3.2 responses.
        untagged(box.size() + " EXISTS");
        if (!enabled.contains("IMAP4REV2")) {
            untagged("0 RECENT"); // IMAP4rev1; \Recent is not kept
        }
        untagged("FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
        untagged("OK [PERMANENTFLAGS (" + (readOnly ? "" : "\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*")
                + ")] Flags permitted");
        untagged("OK [UIDVALIDITY " + box.uidValidity + "] UIDs valid");
        untagged("OK [UIDNEXT " + mailbox.uidNext() + "] Predicted next UID");
        untagged("LIST () \"/\" " + new Response().string(MailboxNames.toWire(box.name, utf8Names())).toText());
        untagged("OK [HIGHESTMODSEQ " + box.highestModSeq() + "] Highest");
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
            untagged("VANISHED (EARLIER) " + SequenceSet.format(vanished));
        }
        for (StoredMessage m : changes.changed()) {
            int seq = box.seqOf(m.uid());
            if (seq > 0) {
                untagged(seq + " FETCH (UID " + m.uid() + " FLAGS " + FetchCommand.flags(m) + " MODSEQ ("
                        + m.modSeq() + "))");
            }
        }
    }

    private void closeSelected() {
        selected.ifPresent(SelectedMailbox::close);
        selected = Optional.empty();
    }

    String statusLine(Mailbox box, List<String> items) throws IOException, Reply {
        var counts = store.counts(box.account(), box.name()).orElseThrow(() -> Reply.no("[NONEXISTENT] Gone"));
        Response r = new Response().raw("STATUS ").string(MailboxNames.toWire(box.name(), utf8Names())).raw(" (");
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
                default -> throw Reply.bad("Unknown STATUS item " + printable(item));
            };
            r.raw(first ? "" : " ").raw(key + " " + value);
            first = false;
        }
        return r.raw(")").toText();
    }

    private String quotaLine() throws IOException {
        String user = account.orElseThrow();
        long used = store.usedBytes(user);
        long limit = context.directory().quota(user);
        // RFC 9208 5.1: STORAGE is in units of 1024 octets.
        return "QUOTA \"\" (STORAGE " + (used + 1023) / 1024 + " " + limit / 1024 + ")";
    }

    private String append(ImapArgs args) throws IOException, ImapArgs.Syntax, Reply {
        args.sp();
        String name = mailboxName(args);
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
        String user = account.orElseThrow();
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
                announceChanges(true);
                return "[APPENDUID " + box.uidValidity() + " " + stored.uid() + "] APPEND completed"; // RFC 4315
            }
            throw Reply.no("[OVERQUOTA] Mailbox is full"); // RFC 9208
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static void parseFlags(List<String> atoms, Set<Flag> flags, Set<String> keywords) throws Reply {
        for (String atom : atoms) {
            if (atom.startsWith("\\")) {
                Optional<Flag> flag = Flag.fromAtom(atom);
                if (flag.isEmpty()) {
                    if (atom.equalsIgnoreCase("\\Recent")) {
                        continue;
                    }
                    throw Reply.bad("Unknown system flag " + printable(atom));
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

    private String idle(String tag) throws IOException, Reply {
        send("+ idling");
        announceChanges(true);
        out.flush();
        // Poll for changes while waiting for DONE: the store's events only set a flag, and the session
        // thread is the only one that writes to the client.
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        long deadline = System.nanoTime() + context.limits().idleTimeout().toNanos();
        while (true) {
            in.timeout(Duration.ofMillis(500));
            try {
                int b = in.read();
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.US_ASCII).trim();
                    if (text.equalsIgnoreCase("DONE")) {
                        return "IDLE terminated";
                    }
                    throw Reply.bad("Expected DONE");
                }
                if (line.size() > 100) {
                    throw Reply.bad("Expected DONE");
                }
                line.write(b);
            } catch (SocketTimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                if (selected.isPresent() && selected.get().hasPendingChanges()) {
                    announceChanges(true);
                    out.flush();
                }
            }
        }
    }

    // ---- selected ----

    /** Tells the client what others changed; expunges only where sequence numbers may shift. */
    void announceChanges(boolean includeExpunges) throws IOException {
        if (selected.isEmpty()) {
            return;
        }
        SelectedMailbox box = selected.get();
        box.refresh(store, includeExpunges, new SelectedMailbox.Announcer() {
            @Override
            public void expunged(int seq, long uid) throws IOException {
                if (qresync()) {
                    untagged("VANISHED " + uid); // RFC 7162 3.2.10
                } else {
                    untagged(seq + " EXPUNGE");
                }
            }

            @Override
            public void exists(int count) throws IOException {
                untagged(count + " EXISTS");
            }

            @Override
            public void flagsChanged(int seq, StoredMessage message) throws IOException {
                untagged(seq + " FETCH (UID " + message.uid() + " FLAGS " + FetchCommand.flags(message)
                        + (condstore() ? " MODSEQ (" + message.modSeq() + ")" : "") + ")");
            }
        });
    }

    private void announceExpunged(SelectedMailbox box, List<Long> uids) throws IOException {
        if (qresync() && !uids.isEmpty()) {
            uids.forEach(box::remove);
            untagged("VANISHED " + SequenceSet.format(uids));
            return;
        }
        for (long uid : uids) {
            int seq = box.remove(uid);
            if (seq > 0) {
                untagged(seq + " EXPUNGE");
            }
        }
    }

    private List<Long> deletedUids(SelectedMailbox box, Optional<SequenceSet> only) {
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

    private String storeFlags(SelectedMailbox box, ImapArgs args, boolean uid)
            throws IOException, ImapArgs.Syntax, Reply {
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
            enabled.add("CONDSTORE");
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
        report.sort(java.util.Comparator.comparingLong(StoredMessage::uid));
        for (StoredMessage m : report) {
            int seq = box.seqOf(m.uid());
            boolean changed = result.changed().contains(m);
            if (seq == 0 || (silent && !(changed && condstore()))) {
                continue;
            }
            Response r = new Response().raw("* " + seq + " FETCH (");
            List<String> parts = new ArrayList<>();
            if (!silent) {
                parts.add("FLAGS " + flags(m));
            }
            if (uid) {
                parts.add("UID " + m.uid());
            }
            if (condstore()) {
                parts.add("MODSEQ (" + m.modSeq() + ")");
            }
            send(r.raw(String.join(" ", parts)).raw(")").toText());
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

    private static String flags(StoredMessage m) {
        return FetchCommand.flags(m);
    }

    private String copy(SelectedMailbox box, ImapArgs args, boolean uid, boolean move)
            throws IOException, ImapArgs.Syntax, Reply {
        args.sp();
        SequenceSet set = args.sequenceSet();
        args.sp();
        String target = mailboxName(args);
        args.end();
        String user = account.orElseThrow();
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
                untagged("OK " + copyUid.trim() + " Moved");
            }
            announceExpunged(box, copied.sourceUids());
            announceChanges(true);
            return "MOVE completed";
        }
        announceChanges(uid);
        return copyUid + "COPY completed";
    }
}
