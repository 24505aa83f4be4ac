package org.bastionmail.smtp.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The byte streams of one connection, replaced when TLS starts; commands out, replies in, both bounded. */
final class Wire {
    private final ClientSettings settings;
    private Socket socket;
    private DeadlineOutputStream deadline;
    private OutputStream out;
    private ReplyReader replies;

    Wire(Socket socket, ClientSettings settings) throws IOException {
        this.settings = settings;
        attach(socket);
    }

    /** RFC 3207 4.2: after the handshake everything goes over the TLS socket; nothing buffered survives. */
    void attach(Socket newSocket) throws IOException {
        this.socket = newSocket;
        this.deadline = new DeadlineOutputStream(newSocket.getOutputStream(), newSocket, settings.timeouts().command());
        this.out = new BufferedOutputStream(deadline, 16 * 1024);
        this.replies = new ReplyReader(new BufferedInputStream(newSocket.getInputStream(), 8 * 1024),
                settings.maxReplyLineLength(), settings.maxReplyLines());
    }

    Socket socket() {
        return socket;
    }

    /** Queues one command line; CR, LF and NUL inside it would smuggle commands, so they are refused. */
    void write(String line) throws IOException {
        if (line.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new IllegalArgumentException("control character in command");
        }
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    void flush(Duration timeout) throws IOException {
        deadline.timeout(timeout);
        out.flush();
    }

    SmtpReply read(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
        return replies.read();
    }

    SmtpReply command(String line, Duration timeout) throws IOException {
        write(line);
        flush(timeout);
        return read(timeout);
    }

    /** The stream message content is written to, each block bounded by {@code blockTimeout}. */
    OutputStream data(Duration blockTimeout) {
        deadline.timeout(blockTimeout);
        return out;
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
    }
}
