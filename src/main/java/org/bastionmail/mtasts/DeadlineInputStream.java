package org.bastionmail.mtasts;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** Reads from a socket, each read bounded by what is left of the fetch's {@link Deadline}. */
final class DeadlineInputStream extends InputStream {
    private final Socket socket;
    private final InputStream in;
    private final Deadline deadline;

    DeadlineInputStream(Socket socket, Deadline deadline) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.deadline = deadline;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (deadline.passed()) {
            throw new SocketTimeoutException("policy fetch timed out");
        }
        socket.setSoTimeout(deadline.remainingMillis());
        return in.read(buffer, offset, length);
    }
}
