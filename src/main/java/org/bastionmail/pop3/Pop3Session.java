package org.bastionmail.pop3;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.security.SecureRandom;
import javax.net.ssl.SSLSocket;
import org.bastionmail.net.ClientInput;
import org.bastionmail.store.Mailbox;
import org.bastionmail.store.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POP3 server connection (RFC 1939, with RFC 2449 CAPA, RFC 2595 STLS and RFC 5034 AUTH). Run it
 * on its own (virtual) thread: {@link #run()} blocks until the client leaves, and closes the socket.
 *
 * <p>The maildrop is the account's INBOX. IMAP sessions may change the INBOX while POP3 holds its lock
 * (RFC 1939 only locks against other POP3 sessions), so the session works on a snapshot taken at login:
 * a message another client expunged answers RETR with -ERR, and QUIT expunges only the messages this
 * session marked, those that still exist.
 */
public final class Pop3Session implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Pop3Session.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_DELAY = Duration.ofSeconds(8);

    private final Socket plainSocket;
    private final Pop3Context context;
    private final String id;

    private Pop3Connection connection;
    private boolean tls;
    private Optional<String> user = Optional.empty();
    private int authFailures;
    // TRANSACTION state (RFC 1939 5) once these are set
    private Optional<String> account = Optional.empty();
    private Optional<MaildropLocks.Lease> lease = Optional.empty();
    private Maildrop maildrop;

    /**
     * @param socket the accepted connection; for {@code pop3s} (implicit TLS) already an {@link SSLSocket}
     * @param context what the listener's sessions share
     */
    public Pop3Session(Socket socket, Pop3Context context) {
        this.plainSocket = socket;
        this.context = context;
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        this.id = HexFormat.of().formatHex(random).toUpperCase(Locale.ROOT);
    }

    /** Runs the whole session and closes the connection. Never throws. */
    @Override
    public void run() {
        LOG.info("pop3 session {} from {}", id, plainSocket.getInetAddress().getHostAddress());
        try {
            connection = new Pop3Connection(plainSocket, context.limits(), context.clock());
            if (plainSocket instanceof SSLSocket ssl) {
                ssl.startHandshake();
                tls = true;
            } else if (context.implicitTls()) {
                LOG.error("pop3 session {}: implicit TLS listener handed over a plain socket", id);
                throw new Pop3Connection.Closed();
            }
            // RFC 1939 4 greeting; no software name or version.
            connection.ok(context.hostname() + " POP3 server ready");
            while (true) {
                serve(connection.readLine(context.limits().commandLine()));
            }
        } catch (Pop3Connection.Closed e) {
            // the last reply was sent
        } catch (ClientInput.SessionTimeout e) {
            tryToSend("-ERR Session time limit reached, closing connection");
        } catch (SocketTimeoutException e) {
            // RFC 1939 3: an autologout timer; the session ends without entering UPDATE state.
            tryToSend("-ERR Idle timeout, closing connection");
        } catch (EOFException e) {
            LOG.debug("pop3 session {}: client closed the connection", id);
        } catch (IOException e) {
            LOG.info("pop3 session {}: connection error: {}", id, e.toString());
        } catch (RuntimeException e) {
            LOG.error("pop3 session {}: internal error", id, e);
            tryToSend("-ERR [SYS/TEMP] Local error, closing connection");
        } finally {
            lease.ifPresent(MaildropLocks.Lease::close);
            if (connection != null) {
                connection.close();
            } else {
                try {
                    plainSocket.close();
                } catch (IOException e) {
                    // nothing more to do
                }
            }
            LOG.info("pop3 session {} ended", id);
        }
    }

    private void tryToSend(String line) {
        try {
            connection.line(line);
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void serve(Pop3Input.Line line) throws IOException {
        switch (line.problem()) {
            case TOO_LONG -> {
                connection.protocolError("Command line too long"); // RFC 2449 4: 255 octets
                return;
            }
            case CONTROL -> {
                connection.protocolError("Invalid characters in command");
                return;
            }
            case NONE -> { }
        }
        Optional<String> text = utf8(line.bytes());
        if (text.isEmpty()) {
            connection.protocolError("Invalid UTF-8 in command");
            return;
        }
        Pop3Command command = Pop3Command.parse(text.get());
        if (account.isEmpty()) {
            authorization(command);
        } else {
            transaction(command);
        }
    }

    // RFC 1939 4: the AUTHORIZATION state

    private void authorization(Pop3Command command) throws IOException {
        switch (command.keyword()) {
            case "CAPA" -> capa(command);
            case "QUIT" -> quitUnauthenticated(command);
            case "STLS" -> stls(command);
            case "USER" -> user(command);
            case "PASS" -> pass(command);
            case "AUTH" -> auth(command);
            case "APOP" -> connection.protocolError("APOP is not supported"); // it needs the plaintext password stored
            case "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "TOP", "UIDL" ->
                    connection.protocolError("Not logged in");
            default -> connection.protocolError("Unknown command");
        }
    }

    /** RFC 2449 5. What is listed depends on the state and on TLS: no login is offered in the clear. */
    private void capa(Pop3Command command) throws IOException {
        if (!command.args().isEmpty()) {
            connection.protocolError("CAPA takes no arguments");
            return;
        }
        List<String> lines = new ArrayList<>(List.of("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"));
        if (account.isEmpty()) {
            if (tls) {
                lines.add("USER");
                lines.add("SASL " + String.join(" ", SaslExchange.MECHANISMS));
            } else if (context.stls().isPresent()) {
                lines.add("STLS");
            }
        }
        connection.okLines("Capability list follows", lines);
    }

    private void quitUnauthenticated(Pop3Command command) throws IOException {
        connection.ok("Bye");
        throw new Pop3Connection.Closed();
    }

    /**
     * RFC 2595 4. Bytes pipelined after STLS in the same plaintext read would be taken as sent under
     * TLS (CVE-2011-0411): the connection is dropped instead.
     */
    private void stls(Pop3Command command) throws IOException {
        if (!command.args().isEmpty()) {
            connection.protocolError("STLS takes no arguments");
            return;
        }
        if (tls) {
            connection.protocolError("Already using TLS");
            return;
        }
        if (context.stls().isEmpty()) {
            connection.protocolError("STLS is not available");
            return;
        }
        connection.ok("Begin TLS negotiation");
        connection.flush();
        if (connection.in().hasBuffered()) {
            LOG.warn("pop3 session {}: plaintext pipelined after STLS, dropping the connection", id);
            throw new Pop3Connection.Closed();
        }
        SSLSocket ssl = context.stls().get().upgrade(connection.socket());
        connection.use(ssl);
        tls = true;
        user = Optional.empty(); // RFC 2595 4: nothing from before TLS is kept
        LOG.info("pop3 session {}: TLS started, {} {}", id, ssl.getSession().getProtocol(),
                ssl.getSession().getCipherSuite());
    }

    private boolean requireTls() throws IOException {
        if (!tls) {
            // RFC 2595 2.1, RFC 3206 4: no password crosses the network in the clear.
            connection.protocolError("[AUTH] Authentication requires TLS; use STLS first");
            return false;
        }
        return true;
    }

    private void user(Pop3Command command) throws IOException {
        if (!requireTls()) {
            return;
        }
        if (!command.hasArgs(1, 1)) {
            connection.protocolError("Usage: USER name");
            return;
        }
        user = Optional.of(command.args().getFirst());
        // The same answer for every name: whether a user exists is not told (RFC 1939 13).
        connection.ok("Send your password");
    }

    private void pass(Pop3Command command) throws IOException {
        if (!requireTls()) {
            return;
        }
        if (user.isEmpty()) {
            connection.protocolError("Send USER first");
            return;
        }
        String name = user.get();
        user = Optional.empty(); // RFC 1939 7: after a failed PASS the client starts again with USER
        if (command.rest().isEmpty()) {
            connection.protocolError("Usage: PASS password");
            return;
        }
        byte[] password = command.rest().getBytes(StandardCharsets.UTF_8);
        try {
            Optional<String> verified = context.authenticator().verifyPassword(name, password);
            if (verified.isEmpty()) {
                loginFailed("USER/PASS");
                return;
            }
            enterTransaction(verified.get());
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    /** RFC 5034 4. */
    private void auth(Pop3Command command) throws IOException {
        if (!requireTls()) {
            return;
        }
        if (command.args().isEmpty()) {
            // Not in RFC 5034, but Outlook-era clients send a bare AUTH to list the mechanisms (RFC 1734 practice).
            connection.okLines("Supported mechanisms", SaslExchange.MECHANISMS);
            return;
        }
        if (!command.hasArgs(1, 2)) {
            connection.protocolError("Usage: AUTH mechanism [initial-response]");
            return;
        }
        user = Optional.empty();
        Optional<String> initial = command.args().size() == 2 ? Optional.of(command.args().get(1)) : Optional.empty();
        SaslExchange.Outcome outcome = SaslExchange.run(command.args().getFirst(), initial, context.authenticator(),
                connection, context.limits().saslLine());
        switch (outcome) {
            case SaslExchange.Outcome.Authenticated a -> enterTransaction(a.account());
            case SaslExchange.Outcome.Failed f -> loginFailed("AUTH " + command.args().getFirst().toUpperCase(Locale.ROOT));
            case SaslExchange.Outcome.Aborted a -> connection.protocolError(a.text());
        }
    }

    /** A failed login waits longer each time; after {@code Limits.authFailures} the connection is closed. */
    private void loginFailed(String how) throws IOException {
        authFailures++;
        context.authFailures().failed(plainSocket.getInetAddress(), "pop3");
        LOG.info("pop3 session {}: {} failed, failure {}", id, how, authFailures);
        Duration delay = FIRST_DELAY.multipliedBy(1L << Math.min(authFailures - 1, 10));
        try {
            context.pause().sleep(delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connection.errAndClose("[AUTH] Authentication failed");
        }
        if (authFailures >= context.limits().authFailures()) {
            connection.errAndClose("[AUTH] Authentication failed, too many failures; closing connection");
        }
        // RFC 3206 4: [AUTH] says the credentials were wrong, whether the name or the password.
        connection.err("[AUTH] Authentication failed");
    }

    /** RFC 1939 4: lock the maildrop, then enter the TRANSACTION state. */
    private void enterTransaction(String authenticated) throws IOException {
        context.authFailures().succeeded(plainSocket.getInetAddress(), "pop3");
        Optional<MaildropLocks.Lease> lock = context.locks().tryLock(authenticated);
        if (lock.isEmpty()) {
            // RFC 2449 8.1.1: another POP3 session holds the maildrop.
            connection.err("[IN-USE] Maildrop is locked by another POP3 session");
            return;
        }
        try {
            context.store().ensureAccount(authenticated);
            long uidValidity = context.store().mailbox(authenticated, Mailbox.INBOX).map(Mailbox::uidValidity).orElse(0L);
            List<StoredMessage> messages = context.store().messages(authenticated, Mailbox.INBOX);
            maildrop = new Maildrop(uidValidity, messages);
        } catch (IOException | RuntimeException e) {
            lock.get().close();
            LOG.error("pop3 session {}: cannot open the maildrop of {}", id, authenticated, e);
            connection.err("[SYS/TEMP] Cannot open the maildrop, try again later");
            return;
        }
        lease = lock;
        account = Optional.of(authenticated);
        LOG.info("pop3 session {}: logged in as {}", id, authenticated);
        connection.ok("Logged in, " + maildrop.count() + " messages (" + maildrop.octets() + " octets)");
    }

    // RFC 1939 5: the TRANSACTION state

    private void transaction(Pop3Command command) throws IOException {
        switch (command.keyword()) {
            case "STAT" -> stat(command);
            case "LIST" -> list(command);
            case "UIDL" -> uidl(command);
            case "RETR" -> retr(command);
            case "TOP" -> top(command);
            case "DELE" -> dele(command);
            case "RSET" -> rset(command);
            case "NOOP" -> noArgs(command, () -> connection.line("+OK"));
            case "CAPA" -> capa(command);
            case "QUIT" -> quit(command);
            case "USER", "PASS", "AUTH", "APOP" -> connection.protocolError("Already logged in");
            case "STLS" -> connection.protocolError("STLS is only allowed before login"); // RFC 2595 4
            default -> connection.protocolError("Unknown command");
        }
    }

    @FunctionalInterface
    private interface Action {
        void run() throws IOException;
    }

    private void noArgs(Pop3Command command, Action action) throws IOException {
        if (!command.args().isEmpty()) {
            connection.protocolError(command.keyword() + " takes no arguments");
            return;
        }
        action.run();
    }

    private void stat(Pop3Command command) throws IOException {
        noArgs(command, () -> connection.ok(maildrop.count() + " " + maildrop.octets()));
    }

    private Optional<StoredMessage> message(String number) throws IOException {
        Optional<StoredMessage> found = maildrop.message(number);
        if (found.isEmpty()) {
            connection.err("No such message");
        }
        return found;
    }

    private void list(Pop3Command command) throws IOException {
        if (!command.hasArgs(0, 1)) {
            connection.protocolError("Usage: LIST [msg]");
        } else if (command.args().size() == 1) {
            Optional<StoredMessage> m = message(command.args().getFirst());
            if (m.isPresent()) {
                connection.ok(Maildrop.parseNumber(command.args().getFirst()) + " " + m.get().size());
            }
        } else {
            List<String> lines = maildrop.listing().stream()
                    .map(n -> n.number() + " " + n.message().size()).toList();
            connection.okLines(maildrop.count() + " messages (" + maildrop.octets() + " octets)", lines);
        }
    }

    /** RFC 1939 7: unique ids stay the same across sessions; ours are UIDVALIDITY-UID. */
    private void uidl(Pop3Command command) throws IOException {
        if (!command.hasArgs(0, 1)) {
            connection.protocolError("Usage: UIDL [msg]");
        } else if (command.args().size() == 1) {
            Optional<StoredMessage> m = message(command.args().getFirst());
            if (m.isPresent()) {
                connection.ok(Maildrop.parseNumber(command.args().getFirst()) + " " + maildrop.uniqueId(m.get()));
            }
        } else {
            List<String> lines = maildrop.listing().stream()
                    .map(n -> n.number() + " " + maildrop.uniqueId(n.message())).toList();
            connection.okLines("Unique ids follow", lines);
        }
    }

    private void retr(Pop3Command command) throws IOException {
        if (!command.hasArgs(1, 1)) {
            connection.protocolError("Usage: RETR msg");
            return;
        }
        send(command.args().getFirst(), Long.MAX_VALUE);
    }

    private void top(Pop3Command command) throws IOException {
        if (!command.hasArgs(2, 2)) {
            connection.protocolError("Usage: TOP msg lines");
            return;
        }
        int lines = Maildrop.parseNumber(command.args().get(1));
        if (lines < 0) {
            connection.protocolError("Number of lines must be a non-negative number");
            return;
        }
        send(command.args().getFirst(), lines);
    }

    private void send(String number, long bodyLines) throws IOException {
        Optional<StoredMessage> m = message(number);
        if (m.isEmpty()) {
            return;
        }
        Optional<InputStream> content;
        try {
            if (!sameInbox()) {
                connection.err("[SYS/PERM] The mailbox was replaced by another client; log in again");
                return;
            }
            content = context.store().openContent(account.orElseThrow(), Mailbox.INBOX, m.get().uid());
        } catch (IOException e) {
            LOG.error("pop3 session {}: cannot read message {}", id, m.get().uid(), e);
            connection.err("[SYS/TEMP] Cannot read the message, try again later");
            return;
        }
        if (content.isEmpty()) {
            // Another client (IMAP) expunged it after this session's snapshot.
            connection.err("Message was removed by another client");
            return;
        }
        try (InputStream in = content.get()) {
            connection.ok(m.get().size() + " octets");
            if (bodyLines == Long.MAX_VALUE) {
                MessageWriter.all(in, connection.out());
            } else {
                MessageWriter.top(in, connection.out(), bodyLines);
            }
        }
    }

    private void dele(Pop3Command command) throws IOException {
        if (!command.hasArgs(1, 1)) {
            connection.protocolError("Usage: DELE msg");
            return;
        }
        String number = command.args().getFirst();
        if (maildrop.delete(number)) {
            connection.ok("Message " + Maildrop.parseNumber(number) + " deleted");
        } else {
            connection.err("No such message");
        }
    }

    private void rset(Pop3Command command) throws IOException {
        noArgs(command, () -> {
            maildrop.undeleteAll();
            connection.ok(maildrop.count() + " messages (" + maildrop.octets() + " octets)");
        });
    }

    /**
     * RFC 1939 6, the UPDATE state: remove the messages marked deleted. Only those, and only the ones still
     * there: an IMAP client may have expunged some meanwhile, and the store ignores UIDs it no longer has.
     */
    private void quit(Pop3Command command) throws IOException {
        if (!command.args().isEmpty()) {
            connection.protocolError("QUIT takes no arguments");
            return;
        }
        List<Long> uids = maildrop.deletedUids();
        if (uids.isEmpty()) {
            connection.ok("Bye");
            throw new Pop3Connection.Closed();
        }
        try {
            if (!sameInbox()) {
                // UIDs of a new INBOX name other messages: deleting them would remove mail never marked.
                connection.err("[SYS/PERM] The mailbox was replaced by another client; nothing deleted");
                throw new Pop3Connection.Closed();
            }
            List<Long> removed = context.store().expunge(account.orElseThrow(), Mailbox.INBOX, uids);
            LOG.info("pop3 session {}: removed {} of {} messages marked deleted", id, removed.size(), uids.size());
            connection.ok("Bye, " + removed.size() + " messages removed");
        } catch (IOException | RuntimeException e) {
            LOG.error("pop3 session {}: could not remove the deleted messages", id, e);
            // RFC 1939 6: -ERR "some deleted messages not removed"
            connection.err("[SYS/TEMP] Some deleted messages not removed");
        }
        throw new Pop3Connection.Closed();
    }

    /**
     * Whether the INBOX still has the UIDVALIDITY of the snapshot. An IMAP RENAME of INBOX leaves a new,
     * empty INBOX whose UIDs start again (RFC 9051 6.3.6), so the snapshot's UIDs would name other messages.
     */
    private boolean sameInbox() throws IOException {
        return context.store().mailbox(account.orElseThrow(), Mailbox.INBOX)
                .map(box -> box.uidValidity() == maildrop.uidValidity()).orElse(false);
    }

    private static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
