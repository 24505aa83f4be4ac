package org.bastionmail.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.bastionmail.net.ClientInput;
import org.bastionmail.tracelog.ConnectionTrace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP server connection (RFC 5321), for an MX or a submission listener. Run it on its own
 * (virtual) thread: {@link #run()} blocks until the client leaves, and closes the socket.
 *
 * <p>The session is a loop: read a command line, parse it, act on it, reply. What happens in each phase
 * of a transaction lives in {@link AuthPhase}, {@link EnvelopePhase} (MAIL, RCPT) and {@link MessagePhase}
 * (DATA, BDAT); this class keeps the state of the connection and the order of commands.
 */
public final class SmtpSession implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpSession.class);

    private final Socket plainSocket;
    private final SmtpContext context;
    private final String id = HexFormat.of().formatHex(MessagePhase.randomBytes(8)).toUpperCase(java.util.Locale.ROOT);
    private final EnvelopePhase envelopes;
    private final MessagePhase messages;
    private final AuthPhase auth;
    private final InetAddress client;
    /** This connection's log line; checks of the client (block lists) add their verdicts here. */
    private final ConnectionTrace trace;
    private final ClientChecks.Screen screen;

    // State of the connection; EHLO, STARTTLS and AUTH change it.
    private Conversation conversation;
    private Optional<String> helo = Optional.empty();
    private boolean esmtp;
    private Optional<String> tls = Optional.empty();
    private Optional<String> account = Optional.empty();
    private Optional<Transaction> transaction = Optional.empty();

    /**
     * @param socket the accepted connection; for {@link SmtpMode#SUBMISSIONS} already an {@link SSLSocket}
     * @param context what the listener's sessions share
     */
    public SmtpSession(Socket socket, SmtpContext context) {
        this.plainSocket = socket;
        this.context = context;
        this.envelopes = new EnvelopePhase(context);
        this.messages = new MessagePhase(context, envelopes);
        this.client = socket.getInetAddress();
        this.auth = new AuthPhase(context, client);
        this.trace = new ConnectionTrace(id, client, socket.getPort(), listenerName(context.mode()), context.clock(),
                context.trace());
        this.screen = context.checks().connected(client, context.mode());
    }

    private static String listenerName(SmtpMode mode) {
        return switch (mode) {
            case MX -> "smtp";
            case SUBMISSION -> "submission";
            case SUBMISSIONS -> "submissions";
        };
    }

    /** Runs the whole session and closes the connection. Never throws. */
    @Override
    public void run() {
        // DEBUG: the transaction log has a line per connection; the main log keeps one INFO line per message
        if (LOG.isDebugEnabled()) {
            LOG.debug("session {} from {} ({})", id, client.getHostAddress(), context.mode());
        }
        String end = "closed";
        try {
            conversation = new Conversation(plainSocket, context.limits(), context.clock());
            if (plainSocket instanceof SSLSocket ssl) {
                ssl.startHandshake();
                tls = Optional.of(describe(ssl.getSession()));
                trace.tls(ssl.getSession().getProtocol(), ssl.getSession().getCipherSuite());
            }
            Optional<java.time.Duration> wait = screen.pregreetWait();
            if (context.mode() == SmtpMode.MX && wait.isPresent() && talksFirst(wait.get())) {
                // RFC 5321 3.1 allows a 554 in place of the 220 greeting; a client that cannot wait for it
                // is a spam robot firing its script, not an MTA.
                screen.noticed(ClientChecks.Abuse.PREGREET);
                trace.refuse("pregreet", "554 5.5.1", "talked before the greeting");
                conversation.sendAndClose(Reply.PREGREET);
            }
            screen.greeted();
            // RFC 5321 4.3.1 greeting; no software name or version (RFC 5321 7.9).
            conversation.sendLines(220, List.of(context.hostname() + " ESMTP"));
            while (true) {
                serve(conversation.readLine(context.limits().commandLine()));
            }
        } catch (Conversation.Closed e) {
            // the reply that ends the session was sent
            end = e.why;
        } catch (ClientInput.SessionTimeout e) {
            end = "timeout";
            tryToSend(Reply.SESSION_TIMEOUT);
        } catch (SocketTimeoutException e) {
            end = "idle_timeout";
            tryToSend(Reply.IDLE_TIMEOUT);
        } catch (EOFException e) {
            end = "client_closed";
            LOG.debug("session {}: client closed the connection", id);
        } catch (IOException e) {
            end = "error";
            LOG.info("session {}: connection error: {}", id, e.toString());
        } catch (RuntimeException e) {
            end = "internal_error";
            LOG.error("session {}: internal error", id, e);
            tryToSend(new Reply(421, "4.3.0", "Local error, closing connection"));
        } finally {
            endTransaction();
            trace.end(end);
            if (conversation != null) {
                conversation.close();
            } else {
                try {
                    plainSocket.close();
                } catch (IOException e) {
                    // nothing more to do
                }
            }
            LOG.debug("session {} ended", id);
        }
    }

    /**
     * Whether the client sent anything before the greeting: waits up to {@code delay} for a first byte (the
     * session is refused anyway if one comes, so it may be consumed), or only looks when there is no delay.
     */
    private boolean talksFirst(java.time.Duration delay) throws IOException {
        java.io.InputStream raw = plainSocket.getInputStream();
        if (delay.isZero() || delay.isNegative()) {
            return raw.available() > 0;
        }
        plainSocket.setSoTimeout((int) Math.clamp(delay.toMillis(), 1, Integer.MAX_VALUE));
        try {
            return raw.read() >= 0;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private void tryToSend(Reply reply) {
        try {
            conversation.sendAndClose(reply);
        } catch (IOException | Conversation.Closed e) {
            // closing anyway
        }
    }

    private void serve(SmtpInput.Line line) throws IOException {
        Reply lineError = switch (line.problem()) {
            case NONE -> null;
            case TOO_LONG -> Reply.LINE_TOO_LONG; // RFC 5321 4.5.3.1.4
            case BARE_NEWLINE -> Reply.BARE_NEWLINE_COMMAND; // RFC 5321 2.3.8
            case NUL -> Reply.UNRECOGNIZED;
        };
        if (lineError != null) {
            if (line.problem() != SmtpInput.Problem.TOO_LONG) {
                screen.noticed(ClientChecks.Abuse.ILLEGAL_COMMAND);
            }
            conversation.send(lineError);
            return;
        }
        Optional<String> text = utf8(line.bytes());
        if (text.isEmpty()) {
            conversation.send(Reply.INVALID_UTF8);
            return;
        }
        try {
            SmtpCommand command = CommandParser.parse(text.get());
            if (conversation.in().hasBuffered() && endsGroup(command)) {
                screen.noticed(ClientChecks.Abuse.PIPELINING);
            }
            act(command);
        } catch (Rejection r) {
            conversation.send(r.reply(), r.clientError());
        }
    }

    /**
     * RFC 2920 3.1: EHLO, DATA, VRFY, EXPN, TURN, QUIT and NOOP may only end a group of pipelined commands
     * (HELO too, for the same reason), and without PIPELINING advertised after EHLO nothing may be sent ahead.
     * BDAT is followed by its chunk by design (RFC 3030 2).
     */
    private boolean endsGroup(SmtpCommand command) {
        return switch (command) {
            case SmtpCommand.Ehlo e -> true;
            case SmtpCommand.Helo h -> true;
            case SmtpCommand.Data d -> true;
            case SmtpCommand.Vrfy v -> true;
            case SmtpCommand.Expn e -> true;
            case SmtpCommand.Quit q -> true;
            case SmtpCommand.Noop n -> true;
            case SmtpCommand.Bdat b -> false;
            default -> !esmtp;
        };
    }

    private void act(SmtpCommand command) throws IOException, Rejection {
        switch (command) {
            case SmtpCommand.Ehlo e -> hello(e.domain(), true);
            case SmtpCommand.Helo h -> hello(h.domain(), false);
            case SmtpCommand.Mail m -> mail(m);
            case SmtpCommand.Rcpt r -> rcpt(r);
            case SmtpCommand.Data d -> data();
            case SmtpCommand.Bdat b -> {
                if (messages.bdat(b, transaction, facts(), conversation)) {
                    endTransaction();
                }
            }
            case SmtpCommand.Rset r -> {
                endTransaction();
                conversation.send(Reply.OK);
            }
            case SmtpCommand.Noop n -> conversation.send(Reply.OK);
            case SmtpCommand.Quit q -> {
                conversation.send(Reply.BYE);
                throw new Conversation.Closed("quit");
            }
            // RFC 5321 3.5.3 and 7.3: no user enumeration through VRFY or EXPN.
            case SmtpCommand.Vrfy v -> conversation.send(Reply.VRFY);
            case SmtpCommand.Expn e -> conversation.send(Reply.NOT_IMPLEMENTED);
            case SmtpCommand.Help h -> conversation.send(Reply.HELP);
            case SmtpCommand.StartTls s -> startTls();
            case SmtpCommand.Auth a -> authenticate(a);
            case SmtpCommand.Unknown u -> {
                screen.noticed(ClientChecks.Abuse.ILLEGAL_COMMAND);
                conversation.send(Reply.UNRECOGNIZED);
            }
            case SmtpCommand.Malformed m -> conversation.send(Reply.SYNTAX);
        }
    }

    /** EHLO/HELO (RFC 5321 4.1.1.1): a new start, as if RSET. */
    private void hello(String domain, boolean extended) throws IOException {
        endTransaction();
        helo = Optional.of(domain);
        trace.helo(domain);
        esmtp = extended;
        if (!extended) {
            conversation.sendLines(250, List.of(context.hostname()));
            return;
        }
        List<String> lines = new ArrayList<>(List.of(
                context.hostname(),
                "PIPELINING", // RFC 2920
                "SIZE " + context.limits().messageSize(), // RFC 1870
                "8BITMIME", // RFC 6152
                "ENHANCEDSTATUSCODES", // RFC 2034
                "SMTPUTF8", // RFC 6531
                "CHUNKING", // RFC 3030
                "DSN")); // RFC 3461
        if (tls.isEmpty() && context.tls().isPresent()) {
            lines.add("STARTTLS"); // RFC 3207
        }
        if (tls.isPresent()) {
            // RFC 8689 2: REQUIRETLS is only usable in a TLS session, so it is only offered there
            lines.add("REQUIRETLS");
        }
        if (tls.isPresent() && account.isEmpty() && !context.auth().names().isEmpty()) {
            lines.add("AUTH " + String.join(" ", context.auth().names())); // RFC 4954, only under TLS
        }
        conversation.sendLines(250, lines);
    }

    private void mail(SmtpCommand.Mail command) throws IOException, Rejection {
        if (helo.isEmpty()) {
            throw new Rejection(Reply.SEND_HELO_FIRST);
        }
        if (transaction.isPresent()) {
            throw new Rejection(Reply.NESTED_MAIL);
        }
        if (context.mode() == SmtpMode.SUBMISSION && tls.isEmpty()) {
            throw new Rejection(Reply.STARTTLS_FIRST);
        }
        if (context.mode().requiresAuth() && account.isEmpty()) {
            throw new Rejection(Reply.AUTH_REQUIRED); // RFC 6409 4.3
        }
        Transaction started = envelopes.mail(command, esmtp, tls.isPresent(), account, trace.transaction());
        Optional<ClientChecks.Refusal> refusal = screen.mail(account);
        if (refusal.isPresent()) {
            started.trace.refuse(refusal.get().check(), refusal.get().code() + " " + refusal.get().enhancedCode(), "");
            started.abandon();
            throw Rejection.of(refusal.get());
        }
        transaction = Optional.of(started);
        conversation.send(Reply.SENDER_OK);
    }

    private void rcpt(SmtpCommand.Rcpt command) throws IOException, Rejection {
        Transaction tx = transaction.orElseThrow(() -> new Rejection(Reply.NEED_MAIL));
        if (tx.chunks.isPresent()) {
            throw new Rejection(Reply.BAD_SEQUENCE); // RFC 3030 2: no RCPT between BDAT chunks
        }
        boolean mayRelay = account.isPresent() || context.relayClients().test(client);
        try {
            envelopes.rcpt(tx, command, esmtp, mayRelay,
                    recipient -> screen.rcpt(account, mayRelay, helo.orElse(""), tx.sender, recipient));
        } catch (Rejection r) {
            tx.trace.recipient(command.path(), line(r.reply()));
            throw r;
        }
        tx.trace.recipient(command.path(), line(Reply.RECIPIENT_OK));
        conversation.send(Reply.RECIPIENT_OK);
    }

    private void data() throws IOException, Rejection {
        Transaction tx = transaction.orElseThrow(() -> new Rejection(Reply.NEED_MAIL));
        if (tx.chunks.isPresent()) {
            throw new Rejection(Reply.BAD_SEQUENCE); // RFC 3030 2: DATA after BDAT
        }
        if (tx.recipients.isEmpty()) {
            // RFC 2920 3.1: after pipelined RCPTs that all failed, DATA gets 554, not 354.
            throw new Rejection(tx.rcptGiven ? Reply.NO_VALID_RECIPIENTS : Reply.NEED_RCPT);
        }
        try {
            messages.data(tx, facts(), conversation);
        } finally {
            endTransaction();
        }
    }

    /**
     * STARTTLS (RFC 3207 4). Bytes that came after the command in the same plaintext read are an
     * injection attempt (CVE-2011-0411): they would be taken as sent under TLS. We drop the connection.
     */
    private void startTls() throws IOException, Rejection {
        if (tls.isPresent()) {
            throw new Rejection(Reply.TLS_ALREADY);
        }
        if (context.tls().isEmpty()) {
            throw new Rejection(Reply.TLS_UNAVAILABLE);
        }
        if (transaction.isPresent()) {
            throw new Rejection(Reply.BAD_SEQUENCE);
        }
        conversation.send(Reply.READY_FOR_TLS);
        conversation.flush();
        if (conversation.in().hasBuffered()) {
            LOG.warn("session {}: plaintext pipelined after STARTTLS, dropping the connection", id);
            trace.refuse("starttls", "injection", "plaintext pipelined after STARTTLS");
            throw new Conversation.Closed("dropped");
        }
        SSLSocket ssl = context.tls().get().upgrade(conversation.socket());
        ssl.startHandshake();
        conversation.use(ssl);
        tls = Optional.of(describe(ssl.getSession()));
        trace.tls(ssl.getSession().getProtocol(), ssl.getSession().getCipherSuite());
        // RFC 3207 4.2: forget everything learnt before TLS; the client must EHLO again.
        helo = Optional.empty();
        esmtp = false;
        account = Optional.empty();
        endTransaction();
        LOG.info("session {}: TLS started, {}", id, tls.get());
    }

    private void authenticate(SmtpCommand.Auth command) throws IOException, Rejection {
        if (!esmtp) {
            throw new Rejection(Reply.SEND_HELO_FIRST); // RFC 4954 4: AUTH needs EHLO
        }
        if (account.isPresent()) {
            throw new Rejection(Reply.ALREADY_AUTHENTICATED); // RFC 4954 4
        }
        if (transaction.isPresent()) {
            throw new Rejection(Reply.BAD_SEQUENCE); // RFC 4954 4: not during a mail transaction
        }
        if (tls.isEmpty()) {
            throw new Rejection(Reply.ENCRYPTION_REQUIRED); // RFC 4954 6, never a password in the clear
        }
        account = auth.authenticate(command, conversation);
        account.ifPresent(trace::user);
    }

    private void endTransaction() {
        transaction.ifPresent(tx -> {
            tx.abandon();
            tx.trace.finish();
        });
        transaction = Optional.empty();
    }

    /** A reply as one log value: code, enhanced code, text. */
    static String line(Reply reply) {
        return reply.enhanced().isEmpty() ? reply.code() + " " + reply.text()
                : reply.code() + " " + reply.enhanced() + " " + reply.text();
    }

    private SessionFacts facts() {
        return new SessionFacts(id, helo.orElse("unknown"), esmtp, tls, account, client);
    }

    private static String describe(SSLSession session) {
        return session.getProtocol() + " " + session.getCipherSuite();
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
