package org.bastionmail.smtp.client;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds every write to a socket: blocking socket writes have no timeout of their own, so a server that
 * stops reading would hold the client forever. RFC 5321 4.5.3.2.5 wants a bound per data block; when a
 * write takes longer the socket is closed and the write fails.
 */
final class DeadlineOutputStream extends FilterOutputStream {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "smtp-client-write-deadline");
        t.setDaemon(true);
        return t;
    });

    private final Socket socket;
    private Duration timeout;
    private volatile boolean expired;

    DeadlineOutputStream(OutputStream out, Socket socket, Duration timeout) {
        super(out);
        this.socket = socket;
        this.timeout = timeout;
    }

    void timeout(Duration newTimeout) {
        this.timeout = newTimeout;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ScheduledFuture<?> alarm = TIMER.schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw expired ? new java.net.SocketTimeoutException("write timed out after " + timeout) : e;
        } finally {
            alarm.cancel(false);
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    private void expire() {
        expired = true;
        try {
            socket.close();
        } catch (IOException e) {
            // closing is all we wanted
        }
    }
}
