package org.bastionmail.audit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A line-oriented client connection for probes, recording every line sent and received so that findings
 * carry the exact exchange as evidence. Every read has a timeout; replies and lines have size limits.
 */
final class ProbeSession implements Closeable {
    static final int MAX_LINE = 4096;
    static final int MAX_REPLY_LINES = 100;

    private final String host;
    private final int port;
    private final Duration timeout;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final StringBuilder transcript = new StringBuilder();
    private Optional<SSLSocket> tls = Optional.empty();

    private ProbeSession(String host, int port, Duration timeout, Socket socket) throws IOException {
        this.host = host;
        this.port = port;
        this.timeout = timeout;
        attach(socket);
    }

    static ProbeSession connect(InetSocketAddress address, String host, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, (int) timeout.toMillis());
            return new ProbeSession(host, address.getPort(), timeout, socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Connects to {@code target}; for implicit TLS (RFC 8314 3.3) the handshake comes first, with the inspecting context. */
    static ProbeSession open(SmtpTarget target, Duration timeout) throws IOException {
        ProbeSession session = connect(target.address(), target.host(), timeout);
        if (target.implicitTls()) {
            try {
                session.startTls(TlsAudit.inspectingContext());
            } catch (IOException | RuntimeException e) {
                session.close();
                throw e;
            }
        }
        return session;
    }

    /** The TLS socket once TLS is active. */
    Optional<SSLSocket> tls() {
        return tls;
    }

    private void attach(Socket s) throws IOException {
        socket = s;
        socket.setSoTimeout((int) timeout.toMillis());
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /** Sends one line (CRLF added) and records it. */
    void send(String line) throws IOException {
        sendRaw(line + "\r\n");
    }

    /** Sends bytes as they are (for pipelining probes); recorded line by line. */
    void sendRaw(String data) throws IOException {
        for (String line : data.split("\r\n", -1)) {
            if (!line.isEmpty()) {
                transcript.append("C: ").append(abbreviate(line)).append('\n');
            }
        }
        out.write(data.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * Sends bytes as they are, recorded split at CRLF with every lone CR and LF shown as {@code <CR>} and
     * {@code <LF>}, so that the evidence shows exactly which line endings were sent.
     */
    void sendVisible(String data) throws IOException {
        for (String line : data.split("\r\n", -1)) {
            if (!line.isEmpty()) {
                transcript.append("C: ").append(abbreviate(line.replace("\r", "<CR>").replace("\n", "<LF>"))).append('\n');
            }
        }
        out.write(data.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads one SMTP reply, multi-line replies joined (RFC 5321 4.2.1). */
    Reply readSmtp() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine().orElseThrow(() -> new IOException("connection closed by " + host));
            lines.add(line);
            if (lines.size() > MAX_REPLY_LINES) {
                throw new IOException("reply longer than " + MAX_REPLY_LINES + " lines");
            }
            if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)) {
                throw new IOException("not an SMTP reply: " + abbreviate(line));
            }
            if (line.length() == 3 || line.charAt(3) != '-') {
                return new Reply(Integer.parseInt(line.substring(0, 3)), lines);
            }
        }
    }

    Reply smtp(String command) throws IOException {
        send(command);
        return readSmtp();
    }

    /**
     * One line, or empty at end of stream. Longer lines are cut at {@link #MAX_LINE} and the rest is
     * discarded up to the line end.
     */
    Optional<String> readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (line.size() < MAX_LINE) {
                line.write(c);
            }
        }
        if (c == -1 && line.size() == 0) {
            transcript.append("S: (connection closed)\n");
            return Optional.empty();
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        transcript.append("S: ").append(abbreviate(text)).append('\n');
        return Optional.of(text);
    }

    /** Whether the server sends anything within {@code wait}, without consuming more than it sent. */
    boolean hasDataWithin(Duration wait) throws IOException {
        socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
        try {
            in.mark(1);
            int c = in.read();
            if (c == -1) {
                return false;
            }
            in.reset();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } finally {
            socket.setSoTimeout((int) timeout.toMillis());
        }
    }

    /** The socket itself, for probes that speak raw TLS records; only after all buffered input was consumed. */
    Socket rawSocket() {
        return socket;
    }

    /** Upgrades the connection to TLS (after a 220 to STARTTLS, or at once for implicit TLS). */
    SSLSocket startTls(SSLContext context) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
        tls.setUseClientMode(true);
        tls.setSoTimeout((int) timeout.toMillis());
        tls.startHandshake();
        transcript.append("(TLS handshake: ").append(tls.getSession().getProtocol()).append(' ')
                .append(tls.getSession().getCipherSuite()).append(")\n");
        attach(tls);
        this.tls = Optional.of(tls);
        return tls;
    }

    /** The exchange so far, then cleared: the evidence for the next finding starts empty. */
    String takeTranscript() {
        String text = transcript.toString().strip();
        transcript.setLength(0);
        return text;
    }

    static String abbreviate(String line) {
        return line.length() > 200 ? line.substring(0, 200) + "... (" + line.length() + " characters)" : line;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a probe connection: nothing to report
        }
    }
}
