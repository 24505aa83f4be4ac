package org.bastionmail.smtp;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.bastionmail.config.Config;
import org.bastionmail.net.ClientConnection;

/**
 * The connection as the session sees it: lines in, replies out, and the count of errors after which the
 * client is sent away. Replies are buffered and go out when the next read would block (RFC 2920 3.2).
 */
final class Conversation {
    /** Ends the session: the reply that says so was already sent. */
    static final class Closed extends RuntimeException {
        /** Why, for the connection's log line. */
        final String why;

        Closed() {
            this("closed");
        }

        Closed(String why) {
            super(null, null, false, false);
            this.why = why;
        }
    }

    private final Config.Limits limits;
    private final ClientConnection connection;
    private SmtpInput in;
    private int errors;

    Conversation(Socket socket, Config.Limits limits, Clock clock) throws IOException {
        this.limits = limits;
        this.connection = new ClientConnection(socket, clock, limits.idleTimeout(), limits.sessionTimeout());
        this.in = new SmtpInput(connection.in());
    }

    /** Switches to another socket: the TLS one after STARTTLS. */
    void use(Socket newSocket) throws IOException {
        connection.use(newSocket);
        in = new SmtpInput(connection.in());
    }

    Socket socket() {
        return connection.socket();
    }

    SmtpInput in() {
        return in;
    }

    SmtpInput.Line readLine(int max) throws IOException {
        return in.readLine(max);
    }

    /**
     * Sends a reply. Every 4yz/5yz counts as an error; at {@code Limits.errors} the client is told
     * 421 4.7.0 and the session ends.
     */
    void send(Reply reply) throws IOException {
        send(reply, true);
    }

    /** Sends a reply that counts as an error only if {@code clientError} (a greylisting deferral does not). */
    void send(Reply reply, boolean clientError) throws IOException {
        connection.out().write(reply.toBytes());
        if (clientError && reply.isError() && reply.code() != 421 && ++errors >= limits.errors()) {
            connection.out().write(Reply.TOO_MANY_ERRORS.toBytes());
            throw new Closed("too_many_errors");
        }
    }

    /** Sends a reply and ends the session. */
    void sendAndClose(Reply reply) throws IOException {
        connection.out().write(reply.toBytes());
        throw new Closed();
    }

    /** A multi-line reply (RFC 5321 4.2.1): "250-" on every line but the last. */
    void sendLines(int code, List<String> lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i)).append("\r\n");
        }
        connection.out().write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    void flush() throws IOException {
        connection.flush();
    }

    /** Flushes what can be flushed and closes the socket; never throws. */
    void close() {
        connection.close();
    }
}
