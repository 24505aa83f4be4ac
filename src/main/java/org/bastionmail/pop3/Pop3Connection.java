package org.bastionmail.pop3;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.bastionmail.net.ClientConnection;
import org.bastionmail.net.ClientInput;

/**
 * The connection as the session sees it: lines in, status lines out (RFC 1939 3), and the count of
 * protocol errors after which the client is sent away. Output is buffered until a read would block.
 */
final class Pop3Connection {
    /** Ends the session: what had to be said was sent. */
    static final class Closed extends RuntimeException {
        Closed() {
            super(null, null, false, false);
        }
    }

    private final Pop3Context.Limits limits;
    private final ClientConnection connection;
    private Pop3Input in;
    private int errors;

    Pop3Connection(Socket socket, Pop3Context.Limits limits, Clock clock) throws IOException {
        this.limits = limits;
        this.connection = new ClientConnection(socket, clock, limits.idleTimeout(), limits.sessionTimeout());
        this.in = new Pop3Input(connection.in());
    }

    /** Switches to another socket: the TLS one after STLS. */
    void use(Socket newSocket) throws IOException {
        connection.use(newSocket);
        in = new Pop3Input(connection.in());
    }

    Socket socket() {
        return connection.socket();
    }

    /** The client's bytes: STLS looks whether any were pipelined after it. */
    ClientInput in() {
        return connection.in();
    }

    OutputStream out() {
        return connection.out();
    }

    Pop3Input.Line readLine(int max) throws IOException {
        return in.readLine(max);
    }

    void ok(String text) throws IOException {
        line("+OK " + text);
    }

    /** A negative reply to a well-formed command: the client asked for something that is not there. */
    void err(String text) throws IOException {
        line("-ERR " + text);
    }

    /**
     * A negative reply for something the client should not have sent. At {@code Limits.errors} of these
     * the session ends.
     */
    void protocolError(String text) throws IOException {
        line("-ERR " + text);
        if (++errors >= limits.errors()) {
            errAndClose("Too many errors, closing connection");
        }
    }

    void errAndClose(String text) throws IOException {
        line("-ERR " + text);
        throw new Closed();
    }

    /** A multi-line response (RFC 1939 3): "+OK", the lines (byte-stuffed), ".". */
    void okLines(String text, List<String> lines) throws IOException {
        StringBuilder sb = new StringBuilder("+OK ").append(text).append("\r\n");
        for (String l : lines) {
            if (l.startsWith(".")) {
                sb.append('.');
            }
            sb.append(l).append("\r\n");
        }
        sb.append(".\r\n");
        connection.out().write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Writes one raw line with CRLF. */
    void line(String text) throws IOException {
        connection.out().write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    void flush() throws IOException {
        connection.flush();
    }

    /** Flushes what can be flushed and closes the socket; never throws. */
    void close() {
        connection.close();
    }
}
