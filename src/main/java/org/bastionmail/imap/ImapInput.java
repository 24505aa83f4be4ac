package org.bastionmail.imap;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;

/**
 * The client's bytes with a buffer we can see into: STARTTLS must know whether plaintext arrived after
 * the command (RFC 9051 6.2.1, CVE-2011-0411), and replies are flushed just before a read would block.
 */
final class ImapInput {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream flushBeforeBlocking;
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int limit;

    ImapInput(Socket socket, OutputStream flushBeforeBlocking) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.flushBeforeBlocking = flushBeforeBlocking;
    }

    boolean hasBuffered() {
        return pos < limit;
    }

    /** The read timeout for the next blocking read (the idle timeout, RFC 9051 5.4). */
    void timeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
    }

    int read() throws IOException {
        if (pos == limit) {
            fill();
        }
        return buffer[pos++] & 0xff;
    }

    /** Reads exactly {@code count} bytes into {@code out}. */
    void readExactly(long count, OutputStream out) throws IOException {
        long left = count;
        while (left > 0) {
            if (pos == limit) {
                fill();
            }
            int n = (int) Math.min(left, limit - pos);
            out.write(buffer, pos, n);
            pos += n;
            left -= n;
        }
    }

    private void fill() throws IOException {
        flushBeforeBlocking.flush();
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
            throw new EOFException("client closed the connection");
        }
        pos = 0;
        limit = n;
    }
}
