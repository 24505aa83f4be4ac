package org.bastionmail.net;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP listener: accepts connections and runs each one's session on its own virtual thread, with plain
 * blocking I/O. For implicit-TLS ports (465, 993, 995) the TLS handshake is done before the session starts.
 */
public final class Listener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);

    /** What to run for each accepted connection; it owns the socket and must close it. */
    @FunctionalInterface
    public interface Handler {
        void handle(Socket socket) throws IOException;
    }

    private final String name;
    private final ServerSocket serverSocket;
    private final Handler handler;
    private final SSLContext implicitTls;
    private final Protocol protocol;
    private final ConnectionLimits limits;
    private final Blocklist blocklist;
    /** Told of each refused connection (metrics, the transaction log). */
    private final Refusals onRefusal;

    /** Hears of every connection refused before a session. */
    @FunctionalInterface
    public interface Refusals {
        /**
         * @param reason "banned" (the ban list) or "limits" (connection limits)
         */
        void refused(InetAddress client, int port, String reason);
    }
    private final BurstLog refusals = new BurstLog(LOG, Clock.systemUTC(), Duration.ofSeconds(10));
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closing;

    private Listener(String name, ServerSocket serverSocket, Handler handler, SSLContext implicitTls, Protocol protocol,
            ConnectionLimits limits, Blocklist blocklist, Refusals onRefusal) {
        this.name = name;
        this.onRefusal = onRefusal;
        this.protocol = protocol;
        this.limits = limits;
        this.blocklist = blocklist;
        this.serverSocket = serverSocket;
        this.handler = handler;
        this.implicitTls = implicitTls;
        this.acceptor = Thread.ofPlatform().name("accept-" + name).daemon(true).unstarted(this::acceptLoop);
    }

    /** Binds and starts accepting; {@code implicitTls} is null for plain (STARTTLS-capable) ports. */
    public static Listener start(String name, InetSocketAddress address, SSLContext implicitTls, Handler handler) throws IOException {
        return start(name, address, implicitTls, Protocol.SMTP, ConnectionLimits.unlimited(), Blocklist.none(), handler);
    }

    /**
     * Binds and starts accepting; each connection must first pass {@code blocklist} and {@code limits}, or it
     * gets {@code protocol}'s refusal line and is closed without a session. On an implicit-TLS port a
     * refused connection is closed without a word: a plaintext line means nothing before the handshake, and
     * doing the handshake is the work a refusal saves.
     */
    public static Listener start(String name, InetSocketAddress address, SSLContext implicitTls, Protocol protocol,
            ConnectionLimits limits, Blocklist blocklist, Handler handler) throws IOException {
        return start(name, address, implicitTls, protocol, limits, blocklist, handler, (client, port, reason) -> { });
    }

    /** As above; {@code onRefusal} hears of every refused connection. */
    public static Listener start(String name, InetSocketAddress address, SSLContext implicitTls, Protocol protocol,
            ConnectionLimits limits, Blocklist blocklist, Handler handler, Refusals onRefusal)
            throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        // The kernel's backlog bounds the connections waiting to be accepted; nothing queues in Bastion.
        socket.bind(address, 256);
        Listener listener = new Listener(name, socket, handler, implicitTls, protocol, limits, blocklist, onRefusal);
        listener.acceptor.start();
        return listener;
    }

    public String name() {
        return name;
    }

    /** The bound address; the port is the real one when 0 was configured. */
    public InetSocketAddress address() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    public int openConnections() {
        return open.size();
    }

    private void acceptLoop() {
        while (!closing) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!closing) {
                    LOG.warn("{}: accept failed: {}", name, e.getMessage());
                }
                continue;
            }
            try {
                admit(socket);
            } catch (RuntimeException | Error e) {
                // an acceptor that dies stops the whole listener: refuse this one connection instead
                LOG.error("{}: cannot start a session for {}", name, socket.getRemoteSocketAddress(), e);
                closeQuietly(socket);
            }
        }
    }

    private void admit(Socket socket) {
        InetAddress client = socket.getInetAddress();
        if (blocklist.blocks(client)) {
            refuse(socket, true, "banned client " + client.getHostAddress());
            return;
        }
        switch (limits.admit(client)) {
            case ConnectionLimits.Admission.Refused r -> refuse(socket, false, r.reason());
            case ConnectionLimits.Admission.Admitted a -> {
                open.add(socket);
                try {
                    Thread.ofVirtual().name(name + "-" + socket.getRemoteSocketAddress()).start(() -> serve(socket, a.release()));
                } catch (RuntimeException | Error e) {
                    open.remove(socket);
                    a.release().run();
                    throw e;
                }
            }
        }
    }

    /** One line and close, on the acceptor thread: a few bytes into an empty send buffer do not block. */
    private void refuse(Socket socket, boolean banned, String reason) {
        refusals.warn(name + ": refused a connection: {}", reason);
        try {
            onRefusal.refused(socket.getInetAddress(), socket.getPort(), banned ? "banned" : "limits");
        } catch (RuntimeException e) {
            LOG.debug("{}: refusal not counted: {}", name, e.toString());
        }
        try {
            if (implicitTls == null) {
                OutputStream out = socket.getOutputStream();
                out.write((protocol.refusal(banned) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            LOG.debug("{}: refusal not sent: {}", name, e.getMessage());
        } finally {
            closeQuietly(socket);
        }
    }

    private void serve(Socket accepted, Runnable release) {
        Socket socket = accepted;
        try {
            socket.setTcpNoDelay(true);
            if (implicitTls != null) {
                socket = handshake(accepted);
                open.add(socket);
            }
            handler.handle(socket);
        } catch (SocketException e) {
            LOG.debug("{}: connection from {} ended: {}", name, accepted.getRemoteSocketAddress(), e.getMessage());
        } catch (IOException e) {
            LOG.info("{}: connection from {} failed: {}", name, accepted.getRemoteSocketAddress(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{}: session with {} crashed", name, accepted.getRemoteSocketAddress(), e);
        } finally {
            closeQuietly(socket);
            closeQuietly(accepted);
            open.remove(socket);
            open.remove(accepted);
            release.run();
        }
    }

    private SSLSocket handshake(Socket plain) throws IOException {
        plain.setSoTimeout((int) HANDSHAKE_TIMEOUT.toMillis());
        SSLSocket tls = (SSLSocket) implicitTls.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
        TlsSettings.apply(tls);
        tls.startHandshake();
        return tls;
    }

    /** Stops accepting new connections; running sessions go on. */
    public void stopAccepting() {
        closing = true;
        closeQuietly(serverSocket);
    }

    /**
     * Lets running sessions finish until {@code deadline} (a {@link System#nanoTime()} value), then closes
     * their sockets. A session cut off this way has not been given a 250 for its current message, so
     * nothing acknowledged is lost.
     */
    public void finishSessions(long deadline) {
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        open.forEach(Listener::closeQuietly);
    }

    @Override
    public void close() {
        stopAccepting();
        finishSessions(System.nanoTime());
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing on the way out: nothing left to do with the error
        }
    }
}
