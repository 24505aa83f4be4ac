package org.bastionmail.net;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A line protocol's socket as its session sees it: buffered output that goes out when the next read would
 * block, the client's input with idle and session deadlines, and the switch to the TLS socket after
 * STARTTLS/STLS. What the replies look like is the protocol's business.
 */
public final class ClientConnection {
    private final Clock clock;
    private final Duration idleTimeout;
    private final Instant deadline;
    private Socket socket;
    private OutputStream out;
    private ClientInput in;

    /** The session ends {@code sessionTimeout} from now, whatever the client does. */
    public ClientConnection(Socket socket, Clock clock, Duration idleTimeout, Duration sessionTimeout)
            throws IOException {
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.deadline = clock.instant().plus(sessionTimeout);
        use(socket);
    }

    /** Switches to another socket: the TLS one after STARTTLS. The deadline stays. */
    public void use(Socket newSocket) throws IOException {
        socket = newSocket;
        // Without a size, a buffer made on a virtual thread starts at 512 bytes and grows to 8 KiB: idle
        // connections stay cheap.
        out = new BufferedOutputStream(newSocket.getOutputStream());
        in = new ClientInput(newSocket, out, clock, idleTimeout, deadline);
    }

    public Socket socket() {
        return socket;
    }

    public ClientInput in() {
        return in;
    }

    public OutputStream out() {
        return out;
    }

    public void flush() throws IOException {
        out.flush();
    }

    /** Flushes what can be flushed and closes the socket; never throws. */
    public void close() {
        try {
            out.flush();
        } catch (IOException e) {
            // the peer is gone; nothing more to tell it
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
