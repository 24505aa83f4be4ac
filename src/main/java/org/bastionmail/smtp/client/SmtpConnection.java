package org.bastionmail.smtp.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bastionmail.smtp.client.ConnectionFailure.Stage;

/**
 * One SMTP client connection to a relay or smarthost (RFC 5321 client side): greeting, EHLO, STARTTLS as
 * the {@link TlsPolicy} says, AUTH for smarthosts, then any number of messages with {@link #send}, and
 * QUIT on {@link #close()}. Blocking I/O, one connection per (virtual) thread; not thread-safe.
 */
public final class SmtpConnection implements AutoCloseable {
    /** Waiting long for the reply to QUIT gains nothing. */
    private static final Duration QUIT_WAIT = Duration.ofSeconds(10);

    private final Endpoint endpoint;
    private final ClientSettings settings;
    private final Wire wire;
    private ServerInfo server;
    private Optional<TlsInfo> tls = Optional.empty();
    private boolean broken;
    private boolean transactionOpen;

    private SmtpConnection(Endpoint endpoint, ClientSettings settings, Wire wire) {
        this.endpoint = endpoint;
        this.settings = settings;
        this.wire = wire;
    }

    /**
     * Connects, reads the greeting, says EHLO and starts TLS as {@code policy} requires.
     *
     * @throws SmtpClientException when the connection is not usable; its {@link ConnectionFailure} says
     *     at which stage and whether another try may succeed
     */
    public static SmtpConnection open(Endpoint endpoint, TlsPolicy policy, ClientSettings settings)
            throws SmtpClientException {
        Timeouts timeouts = settings.timeouts();
        Socket socket = new Socket();
        try {
            if (settings.sourceAddress().isPresent()) {
                socket.bind(new InetSocketAddress(settings.sourceAddress().get(), 0));
            }
            socket.connect(endpoint.address(), (int) Math.min(Integer.MAX_VALUE, timeouts.connect().toMillis()));
        } catch (IOException e) {
            closeQuietly(socket);
            throw new SmtpClientException(ConnectionFailure.temporary(Stage.CONNECT,
                    "cannot connect to " + endpoint.address() + ": " + e.getMessage()), e);
        }
        Optional<TlsInfo> implicitTls = Optional.empty();
        Socket active = socket;
        if (endpoint.security() == Endpoint.Security.IMPLICIT_TLS) {
            // RFC 8314 3.3: TLS from the first byte; no plaintext fallback exists, so TLS is always required
            TlsPolicy required = policy instanceof TlsPolicy.Opportunistic ? new TlsPolicy.RequiredUnverified() : policy;
            TlsStart.Upgraded upgraded = TlsStart.handshake(socket, endpoint, required, timeouts.command());
            if (policy instanceof TlsPolicy.Opportunistic o && o.reportCheck().isPresent()) {
                upgraded = reportOnly(upgraded, o.reportCheck().get());
            }
            active = upgraded.socket();
            implicitTls = Optional.of(upgraded.info());
        }
        SmtpConnection connection;
        try {
            connection = new SmtpConnection(endpoint, settings, new Wire(active, settings));
        } catch (IOException e) {
            closeQuietly(active);
            throw new SmtpClientException(ConnectionFailure.temporary(Stage.CONNECT, e.getMessage()), e);
        }
        connection.tls = implicitTls;
        try {
            connection.greetAndStartTls(policy);
            return connection;
        } catch (SmtpClientException e) {
            connection.wire.close();
            throw e;
        } catch (IOException e) {
            connection.wire.close();
            throw new SmtpClientException(ConnectionFailure.temporary(stageOf(e, Stage.GREETING),
                    endpoint.hostname() + ": " + e.getMessage()), e);
        }
    }

    private static TlsStart.Upgraded reportOnly(TlsStart.Upgraded upgraded, CertificateCheck check) {
        TlsInfo info = upgraded.info();
        try {
            check.verify(info.peerChain());
            info = new TlsInfo(info.protocol(), info.cipherSuite(), true, Optional.empty(), info.peerChain());
        } catch (java.security.cert.CertificateException | RuntimeException e) {
            info = new TlsInfo(info.protocol(), info.cipherSuite(), false, Optional.of(String.valueOf(e.getMessage())),
                    info.peerChain());
        }
        return new TlsStart.Upgraded(upgraded.socket(), info);
    }

    private void greetAndStartTls(TlsPolicy policy) throws IOException, SmtpClientException {
        Timeouts timeouts = settings.timeouts();
        SmtpReply greeting = wire.read(timeouts.greeting());
        if (greeting.code() != 220) {
            // RFC 5321 3.1 and 4.3.2: a 554 greeting means "no service here"; say QUIT and leave
            quietQuit();
            throw new SmtpClientException(ConnectionFailure.byReply(Stage.GREETING, greeting), null);
        }
        server = hello(greeting);
        if (tls.isPresent()) {
            return;
        }
        if (!server.supports("STARTTLS")) {
            if (policy instanceof TlsPolicy.Opportunistic) {
                return; // RFC 7435: plaintext is acceptable only when TLS is not offered at all
            }
            quietQuit();
            throw new SmtpClientException(ConnectionFailure.temporary(Stage.STARTTLS,
                    endpoint.hostname() + " does not offer STARTTLS, and TLS is required"), null);
        }
        SmtpReply ready = wire.command("STARTTLS", timeouts.command());
        if (ready.code() != 220) {
            // a refused STARTTLS is treated like a failed handshake: a downgrade must not be this easy
            quietQuit();
            throw new SmtpClientException(new ConnectionFailure(Stage.STARTTLS, false, Optional.of(ready),
                    "STARTTLS refused: " + ready), null);
        }
        TlsStart.Upgraded upgraded = TlsStart.handshake(wire.socket(), endpoint, policy, timeouts.command());
        wire.attach(upgraded.socket());
        tls = Optional.of(upgraded.info());
        // RFC 3207 4.2: forget what the server said before TLS and ask again
        server = hello(greeting);
    }

    /** EHLO, or HELO when the server does not know EHLO (RFC 5321 4.1.4: a 5yz to EHLO). */
    private ServerInfo hello(SmtpReply greeting) throws IOException, SmtpClientException {
        Duration timeout = settings.timeouts().command();
        SmtpReply ehlo = wire.command("EHLO " + settings.heloName(), timeout);
        if (ehlo.code() == 250) {
            return new ServerInfo(greeting, true, extensions(ehlo));
        }
        if (ehlo.permanentFailure()) {
            SmtpReply helo = wire.command("HELO " + settings.heloName(), timeout);
            if (helo.code() == 250) {
                return new ServerInfo(greeting, false, Map.of());
            }
            ehlo = helo;
        }
        quietQuit();
        throw new SmtpClientException(ConnectionFailure.byReply(Stage.EHLO, ehlo), null);
    }

    /** RFC 5321 4.1.1.1: the first line names the server; each other line is a keyword and parameters. */
    private static Map<String, String> extensions(SmtpReply ehlo) {
        Map<String, String> extensions = new LinkedHashMap<>();
        List<String> lines = ehlo.lines();
        for (String line : lines.subList(1, lines.size())) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int space = trimmed.indexOf(' ');
            String keyword = (space < 0 ? trimmed : trimmed.substring(0, space)).toUpperCase(Locale.ROOT);
            extensions.putIfAbsent(keyword, space < 0 ? "" : trimmed.substring(space + 1).strip());
        }
        return extensions;
    }

    /**
     * AUTH PLAIN (RFC 4616) or LOGIN, as a smarthost offers them (RFC 4954). Refused unless TLS is active:
     * credentials never travel in plaintext.
     */
    public void authenticate(Credentials credentials) throws SmtpClientException {
        if (tls.isEmpty()) {
            throw new SmtpClientException(ConnectionFailure.temporary(Stage.AUTH,
                    "refusing to send credentials without TLS"), null);
        }
        List<String> mechanisms = List.of(server.parameters("AUTH").orElse("").toUpperCase(Locale.ROOT).split(" +"));
        Duration timeout = settings.timeouts().command();
        try {
            SmtpReply reply;
            if (mechanisms.contains("PLAIN")) {
                String response = base64("\0" + credentials.username() + "\0" + credentials.password());
                reply = wire.command("AUTH PLAIN " + response, timeout);
            } else if (mechanisms.contains("LOGIN")) {
                reply = wire.command("AUTH LOGIN", timeout);
                if (reply.code() == 334) {
                    reply = wire.command(base64(credentials.username()), timeout);
                }
                if (reply.code() == 334) {
                    reply = wire.command(base64(credentials.password()), timeout);
                }
            } else {
                throw new SmtpClientException(ConnectionFailure.temporary(Stage.AUTH,
                        endpoint.hostname() + " offers neither AUTH PLAIN nor LOGIN"), null);
            }
            if (reply.code() == 334) {
                wire.command("*", timeout); // RFC 4954 4: cancel an exchange we cannot continue
            }
            if (reply.code() != 235) {
                // RFC 4954 6: 535 means wrong credentials: retrying will not help; 454 is temporary
                throw new SmtpClientException(new ConnectionFailure(Stage.AUTH, reply.permanentFailure(),
                        Optional.of(reply), "authentication as " + credentials.username() + " refused: " + reply), null);
            }
        } catch (IOException e) {
            broken = true;
            throw new SmtpClientException(ConnectionFailure.temporary(stageOf(e, Stage.AUTH), e.getMessage()), e);
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends one message in one transaction and says what became of each recipient. Never throws for a
     * network or server problem: those become {@link RecipientStatus.TempFailed} recipients and
     * {@link MessageResult#connectionFailure()}, after which {@link #usable()} is false.
     */
    public MessageResult send(OutboundMessage message) {
        MailTransaction transaction = new MailTransaction(wire, server, tls, settings.timeouts(), message);
        if (broken) {
            return transaction.notSent(ConnectionFailure.temporary(Stage.MAIL, "connection no longer usable"));
        }
        if (transactionOpen) {
            // RFC 5321 4.1.1.5: clear the aborted transaction before starting a new one
            try {
                SmtpReply reset = wire.command("RSET", settings.timeouts().command());
                if (reset.code() != 250) {
                    broken = true;
                    return transaction.notSent(ConnectionFailure.byReply(Stage.RSET, reset));
                }
                transactionOpen = false;
            } catch (IOException e) {
                broken = true;
                return transaction.notSent(ConnectionFailure.temporary(stageOf(e, Stage.RSET), e.getMessage()));
            }
        }
        MessageResult result = transaction.run();
        transactionOpen = transaction.leftOpen();
        if (result.connectionFailure().isPresent()) {
            broken = true;
            wire.close();
        }
        return result;
    }

    /** Whether another message can be sent on this connection. */
    public boolean usable() {
        return !broken && !wire.socket().isClosed();
    }

    public ServerInfo server() {
        return server;
    }

    /** What TLS negotiated; empty for a plaintext session. */
    public Optional<TlsInfo> tls() {
        return tls;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** QUIT (RFC 5321 4.1.1.10), then close; errors are ignored, the mail is already decided. */
    @Override
    public void close() {
        if (!broken) {
            quietQuit();
        }
        wire.close();
    }

    private void quietQuit() {
        try {
            Duration command = settings.timeouts().command();
            wire.command("QUIT", command.compareTo(QUIT_WAIT) < 0 ? command : QUIT_WAIT);
        } catch (IOException | RuntimeException e) {
            // the server may already be gone
        }
    }

    static Stage stageOf(IOException e, Stage otherwise) {
        return e instanceof ReplyReader.ProtocolException ? Stage.PROTOCOL : otherwise;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing was sent yet
        }
    }
}
