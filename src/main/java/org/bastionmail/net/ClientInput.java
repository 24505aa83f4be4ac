package org.bastionmail.net;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The client's bytes, with a buffer we can see into, for the line protocols (SMTP, POP3).
 *
 * <p>Two reasons for our own buffer: STARTTLS/STLS must know whether plaintext bytes were already read
 * after the command (RFC 3207 5, RFC 2595 4, CVE-2011-0411), and replies are flushed just before a read
 * would block, which is what pipelining asks of a server (RFC 2920 3.2, RFC 2449 6.6). Every blocking
 * read waits at most the idle timeout, and never past the session's deadline.
 */
public final class ClientInput {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream flushBeforeBlocking;
    private final Clock clock;
    private final Duration idleTimeout;
    private final Instant deadline;
    /**
     * Starts small and grows when the client fills it (DATA, BDAT): an idle connection costs little
     * memory, and a message is still read in large pieces.
     */
    private byte[] buffer = new byte[INITIAL_BUFFER];
    private int pos;
    private int limit;
    private static final int INITIAL_BUFFER = 512;
    private static final int MAX_BUFFER = 32 * 1024;

    /** Thrown when the session ran out of time (its total deadline passed). */
    public static final class SessionTimeout extends IOException {
        SessionTimeout() {
            super("session time limit reached", null);
        }
    }

    public ClientInput(Socket socket, OutputStream flushBeforeBlocking, Clock clock, Duration idleTimeout,
            Instant deadline) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.flushBeforeBlocking = flushBeforeBlocking;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.deadline = deadline;
    }

    /** Whether bytes the client sent are already read from the socket but not consumed. */
    public boolean hasBuffered() {
        return pos < limit;
    }

    /** One byte, or EOFException at the end of the stream. */
    public int read() throws IOException {
        if (pos == limit) {
            fill();
        }
        return buffer[pos++] & 0xff;
    }

    /** Reads up to {@code len} bytes (at least one), blocking only when nothing is buffered. */
    public int read(byte[] dst, int off, int len) throws IOException {
        if (pos == limit) {
            fill();
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(buffer, pos, dst, off, n);
        pos += n;
        return n;
    }

    /**
     * Gives back the last {@code n} bytes of the previous {@link #read(byte[], int, int)}, which a reader
     * that took a whole buffer found to be past its end (the next pipelined command after DATA's end).
     */
    public void unread(int n) {
        if (n < 0 || n > pos) {
            throw new IllegalArgumentException("cannot give back " + n + " bytes");
        }
        pos -= n;
    }

    private void fill() throws IOException {
        flushBeforeBlocking.flush();
        long remaining = Duration.between(clock.instant(), deadline).toMillis();
        if (remaining <= 0) {
            throw new SessionTimeout();
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(idleTimeout.toMillis(), Math.min(remaining, Integer.MAX_VALUE))));
        if (limit == buffer.length && buffer.length < MAX_BUFFER) {
            // The last read filled the buffer (DATA, BDAT): the client sends faster than we read, so read
            // bigger pieces from now on. Nothing is lost: everything buffered was consumed.
            buffer = new byte[Math.min(MAX_BUFFER, buffer.length * 4)];
        }
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
}
