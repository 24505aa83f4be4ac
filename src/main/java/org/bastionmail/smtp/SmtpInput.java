package org.bastionmail.smtp;

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
 * The client's bytes, with a buffer we can see into.
 *
 * <p>Two reasons for our own buffer: STARTTLS must know whether plaintext bytes were already read after
 * the command (RFC 3207 5, CVE-2011-0411), and replies are flushed just before a read would block, which
 * is what RFC 2920 3.2 asks of a pipelining server.
 */
final class SmtpInput {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream flushBeforeBlocking;
    private final Clock clock;
    private final Duration idleTimeout;
    private final Instant deadline;
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int limit;

    /** Thrown when the session ran out of time (its total deadline passed). */
    static final class SessionTimeout extends IOException {
        SessionTimeout() {
            super("session time limit reached", null);
        }
    }

    SmtpInput(Socket socket, OutputStream flushBeforeBlocking, Clock clock, Duration idleTimeout, Instant deadline)
            throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.flushBeforeBlocking = flushBeforeBlocking;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.deadline = deadline;
    }

    /** Whether bytes the client sent are already read from the socket but not consumed. */
    boolean hasBuffered() {
        return pos < limit;
    }

    /** One byte, or EOFException at the end of the stream. */
    int read() throws IOException {
        if (pos == limit) {
            fill();
        }
        return buffer[pos++] & 0xff;
    }

    /** Reads up to {@code len} bytes (at least one), blocking only when nothing is buffered. */
    int read(byte[] dst, int off, int len) throws IOException {
        if (pos == limit) {
            fill();
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(buffer, pos, dst, off, n);
        pos += n;
        return n;
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

    /** A line as read: its bytes without the line end, and what was wrong with it. */
    record Line(byte[] bytes, Problem problem) {}

    enum Problem { NONE, TOO_LONG, BARE_NEWLINE, NUL }

    /**
     * Reads one line up to LF. Only CRLF ends a line properly; a bare CR or LF, or a NUL, marks the line
     * (RFC 5321 2.3.8). A line longer than {@code max} (CRLF included) is consumed to its LF without
     * being kept (RFC 5321 4.5.3.1.4).
     */
    Line readLine(int max) throws IOException {
        byte[] line = new byte[Math.min(max, 256)];
        int length = 0;
        int consumed = 0;
        Problem problem = Problem.NONE;
        int previous = -1;
        while (true) {
            int b = read();
            consumed++;
            if (b == '\n') {
                if (previous != '\r') {
                    problem = worst(problem, Problem.BARE_NEWLINE);
                } else {
                    length--; // the CR we kept
                }
                break;
            }
            if (previous == '\r') {
                problem = worst(problem, Problem.BARE_NEWLINE);
            }
            if (b == 0) {
                problem = worst(problem, Problem.NUL);
            }
            if (consumed < max) {
                if (length == line.length) {
                    line = Arrays.copyOf(line, Math.min(max, line.length * 2));
                }
                line[length++] = (byte) b;
            } else {
                problem = worst(problem, Problem.TOO_LONG);
            }
            previous = b;
        }
        if (consumed > max) {
            problem = worst(problem, Problem.TOO_LONG);
        }
        return new Line(Arrays.copyOf(line, Math.max(0, length)), problem);
    }

    private static Problem worst(Problem a, Problem b) {
        return a == Problem.NONE ? b : a;
    }
}
