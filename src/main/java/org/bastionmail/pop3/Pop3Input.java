package org.bastionmail.pop3;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * The client's bytes, with a buffer we can see into: STLS must know whether plaintext was pipelined after
 * it (RFC 2595 4, CVE-2011-0411), and replies are flushed only when a read would block, so a pipelining
 * client (RFC 2449 6.6) gets its answers in batches.
 */
final class Pop3Input {
    private final InputStream in;
    private final Socket socket;
    private final OutputStream flushBeforeBlocking;
    private final Clock clock;
    private final Duration idleTimeout;
    private final Instant deadline;
    private final byte[] buffer = new byte[4096];
    private int pos;
    private int limit;

    /** The session has lasted as long as it may. */
    static final class SessionTimeout extends IOException {
        SessionTimeout() {
            super("session time limit reached", null);
        }
    }

    Pop3Input(Socket socket, OutputStream flushBeforeBlocking, Clock clock, Duration idleTimeout, Instant deadline)
            throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.flushBeforeBlocking = flushBeforeBlocking;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.deadline = deadline;
    }

    boolean hasBuffered() {
        return pos < limit;
    }

    private int read() throws IOException {
        if (pos == limit) {
            fill();
        }
        return buffer[pos++] & 0xff;
    }

    private void fill() throws IOException {
        flushBeforeBlocking.flush();
        long remaining = Duration.between(clock.instant(), deadline).toMillis();
        if (remaining <= 0) {
            throw new SessionTimeout();
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(idleTimeout.toMillis(), Math.min(remaining, Integer.MAX_VALUE))));
        int n;
        try {
            n = in.read(buffer, 0, buffer.length);
        } catch (SocketTimeoutException e) {
            if (!clock.instant().isBefore(deadline)) {
                throw new SessionTimeout();
            }
            throw e;
        }
        if (n < 0) {
            throw new EOFException("client closed the connection");
        }
        pos = 0;
        limit = n;
    }

    /** A line without its line end, and what was wrong with it. */
    record Line(byte[] bytes, Problem problem) {}

    enum Problem { NONE, TOO_LONG, CONTROL }

    /**
     * Reads one line up to LF. CRLF is the line end (RFC 1939 3); a bare LF is taken as one too, since
     * nothing a POP3 client sends is message data that could be smuggled. A CR or NUL inside the line
     * marks it. A line longer than {@code max} octets (line end included) is read to its end and dropped.
     */
    Line readLine(int max) throws IOException {
        byte[] line = new byte[Math.min(max, 256)];
        int length = 0;
        long consumed = 0;
        Problem problem = Problem.NONE;
        while (true) {
            int b = read();
            consumed++;
            if (b == '\n') {
                break;
            }
            if (length < max) {
                if (length == line.length) {
                    line = Arrays.copyOf(line, Math.min(max, line.length * 2));
                }
                line[length++] = (byte) b;
            }
        }
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        if (consumed > max) {
            return new Line(new byte[0], Problem.TOO_LONG);
        }
        for (int i = 0; i < length; i++) {
            if (line[i] == '\r' || line[i] == 0) {
                problem = Problem.CONTROL;
            }
        }
        return new Line(Arrays.copyOf(line, length), problem);
    }
}
