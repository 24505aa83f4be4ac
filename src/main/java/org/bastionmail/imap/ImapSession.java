package org.bastionmail.imap;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLSocket;
import org.bastionmail.store.Mailbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP connection (RFC 9051 IMAP4rev2 and RFC 3501 IMAP4rev1). Run it on its own virtual thread:
 * {@link #run()} blocks until the client leaves, and closes the socket.
 *
 * <p>The session is a loop: read a whole command (literals included), parse its name, act, reply. The
 * connection's state (not authenticated, authenticated, selected, logging out), STARTTLS and the commands
 * valid in every state live here; the command groups have their own classes: {@link AuthCommands},
 * {@link MailboxCommands}, {@link ListCommand}, {@link MessageCommands}, {@link FetchCommand},
 * {@link SearchCommand} and {@link IdleCommand}.
 */
public final class ImapSession implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ImapSession.class);
    private static final Set<String> UID_COMMANDS = Set.of("FETCH", "STORE", "SEARCH", "COPY", "MOVE", "EXPUNGE");

    private final ImapContext context;
    private Socket socket;
    private OutputStream out;
    private ImapInput in;
    private CommandReader reader;
    private boolean tls;
    private Optional<String> account = Optional.empty();
    private Optional<SelectedMailbox> selected = Optional.empty();
    private final EnabledExtensions extensions = new EnabledExtensions();
    private int badCommands;
    private int floodRefusals;
    private boolean loggingOut;
    private Optional<UserConnections.Slot> slot = Optional.empty();
    private final CommandRate rate;
    private final AuthCommands auth;
    private final MailboxCommands mailboxes;
    private final MessageCommands messages;
    private final ChangeAnnouncer announcer = new ChangeAnnouncer(this);

    /**
     * @param socket the accepted connection; already an {@link SSLSocket} when {@code context.implicitTls()}
     * @param context what the listener's sessions share
     */
    public ImapSession(Socket socket, ImapContext context) {
        this.socket = socket;
        this.context = context;
        this.rate = new CommandRate(context.limits().commandBurst(), context.limits().commandsPerSecond(),
                context.clock().millis());
        this.auth = new AuthCommands(this, context);
        this.mailboxes = new MailboxCommands(this, context);
        this.messages = new MessageCommands(this, context);
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

    String capabilities() {
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
            AuthCommands.MECHANISMS.forEach(m -> caps.add("AUTH=" + m));
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

    // ---- state, for the command classes ----

    /** The logged-in account; only called in the authenticated and selected states. */
    String account() {
        return account.orElseThrow();
    }

    /** The not authenticated state ends: the account is logged in and holds a connection slot. */
    void authenticated(String user, UserConnections.Slot taken) {
        slot = Optional.of(taken);
        account = Optional.of(user);
    }

    Optional<SelectedMailbox> selected() {
        return selected;
    }

    /** The selected state begins; the caller has closed the previous mailbox. */
    void selected(SelectedMailbox box) {
        selected = Optional.of(box);
    }

    /** Back to the authenticated state. */
    void closeSelected() {
        selected.ifPresent(SelectedMailbox::close);
        selected = Optional.empty();
    }

    EnabledExtensions extensions() {
        return extensions;
    }

    boolean tls() {
        return tls;
    }

    InetAddress peer() {
        return socket.getInetAddress();
    }

    ImapInput input() {
        return in;
    }

    CommandReader reader() {
        return reader;
    }

    void flush() throws IOException {
        out.flush();
    }

    // ---- dispatch ----

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

    static String printable(String text) {
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
                return IdCommand.run(this, args);
            }
            default -> { }
        }
        if (account.isEmpty()) {
            return switch (name) {
                case "STARTTLS" -> startTls(tag, args);
                case "LOGIN" -> auth.login(args);
                case "AUTHENTICATE" -> auth.authenticate(args);
                default -> throw Reply.bad("Command unknown or not valid before login");
            };
        }
        boolean uid = false;
        if (name.equals("UID")) {
            args.sp();
            name = args.atom().toUpperCase(Locale.ROOT);
            uid = true;
            if (!UID_COMMANDS.contains(name)) {
                throw Reply.bad("Unknown UID command");
            }
        }
        return switch (name) {
            case "ENABLE" -> {
                untagged(extensions.enable(args));
                yield "ENABLE completed";
            }
            case "NAMESPACE" -> mailboxes.namespace(args);
            case "SELECT", "EXAMINE" -> mailboxes.select(args, name.equals("EXAMINE"));
            case "CREATE" -> mailboxes.create(args);
            case "DELETE" -> mailboxes.delete(args);
            case "RENAME" -> mailboxes.rename(args);
            case "SUBSCRIBE", "UNSUBSCRIBE" -> mailboxes.subscribe(args, name.equals("SUBSCRIBE"));
            case "LIST", "LSUB" -> {
                new ListCommand(this, context.store(), account()).run(args, name.equals("LSUB"));
                yield name + " completed";
            }
            case "STATUS" -> mailboxes.status(args);
            case "APPEND" -> messages.append(args);
            case "GETQUOTAROOT" -> mailboxes.getQuotaRoot(args);
            case "GETQUOTA" -> mailboxes.getQuota(args);
            case "SETQUOTA" -> throw Reply.no("Quotas are set by the administrator");
            case "IDLE" -> new IdleCommand(this, context).run(args);
            default -> selectedCommand(tag, name, args, uid);
        };
    }

    private String selectedCommand(String tag, String name, ImapArgs args, boolean uid)
            throws IOException, ImapArgs.Syntax, Reply {
        if (selected.isEmpty()) {
            throw Reply.bad("Command unknown or needs a selected mailbox");
        }
        SelectedMailbox box = selected.get();
        return switch (name) {
            case "CHECK" -> {
                args.end();
                announceChanges(true);
                yield "CHECK completed";
            }
            case "CLOSE", "UNSELECT" -> messages.close(box, args, name.equals("CLOSE"));
            case "EXPUNGE" -> messages.expunge(box, args, uid);
            case "FETCH" -> {
                new FetchCommand(this, context.store(), box).run(args, uid);
                announceChanges(uid);
                yield "FETCH completed";
            }
            case "SEARCH" -> {
                new SearchCommand(this, context.store(), box).run(args, uid, tag);
                announceChanges(uid);
                yield "SEARCH completed";
            }
            case "STORE" -> {
                String result = messages.storeFlags(box, args, uid);
                announceChanges(uid);
                yield result;
            }
            case "COPY", "MOVE" -> messages.copy(box, args, uid, name.equals("MOVE"));
            default -> throw Reply.bad("Unknown command");
        };
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

    // ---- authenticated ----

    /** A mailbox name argument, decoded as this session's ENABLEd extensions say (RFC 9051 5.1). */
    String mailboxName(ImapArgs args) throws ImapArgs.Syntax, Reply {
        String wire = args.astring();
        try {
            return MailboxNames.fromWire(wire, extensions.utf8Names());
        } catch (IllegalArgumentException e) {
            throw Reply.no("[CANNOT] " + e.getMessage());
        }
    }

    String statusLine(Mailbox box, List<String> items) throws IOException, Reply {
        return mailboxes.statusLine(box, items);
    }

    // ---- selected ----

    /** Tells the client what others changed; expunges only where sequence numbers may shift. */
    void announceChanges(boolean includeExpunges) throws IOException {
        if (selected.isPresent()) {
            selected.get().refresh(context.store(), includeExpunges, announcer);
        }
    }

    ChangeAnnouncer announcer() {
        return announcer;
    }
}
