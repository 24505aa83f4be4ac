package org.bastionmail.smtp;

import org.bastionmail.net.AuthFailures;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocket;
import org.bastionmail.config.Config;
import org.bastionmail.net.HandClock;

/** A real SmtpSession on a loopback socket pair, and a raw client to talk to it. */
final class SessionHarness implements AutoCloseable {
    final FakeQueue queue = new FakeQueue();
    final FakeDirectory directory = new FakeDirectory();
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    final java.util.Set<String> fullMailboxes = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final java.util.Set<java.net.InetAddress> relayClients = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final HandClock clock = new HandClock(Instant.parse("2025-06-03T10:00:00Z"));
    /** The session's transaction log lines. */
    final List<org.bastionmail.tracelog.TraceEvent> traced = new CopyOnWriteArrayList<>();
    private final Thread sessionThread;
    private Socket client;
    private InputStream in;
    private OutputStream out;

    static Config.Limits limits() {
        return Config.Limits.defaults();
    }

    SessionHarness(SmtpMode mode) throws IOException {
        this(mode, limits(), true);
    }

    SessionHarness(SmtpMode mode, Config.Limits limits, boolean tlsAvailable) throws IOException {
        this(mode, limits, tlsAvailable, MessageHooks.none());
    }

    SessionHarness(SmtpMode mode, MessageHooks hooks) throws IOException {
        this(mode, limits(), true, hooks);
    }

    SessionHarness(SmtpMode mode, Config.Limits limits, boolean tlsAvailable, MessageHooks hooks) throws IOException {
        SmtpContext context = new SmtpContext(mode, "mx.example.test", "example.test", limits, directory,
                FakePlain.mechanisms(directory), queue,
                tlsAvailable ? Optional.of(TestTls.upgrader()) : Optional.empty(), clock, sleeps::add, fullMailboxes::contains, hooks,
                AuthFailures.none(), relayClients::contains, (org.bastionmail.tracelog.TraceSink) traced::add);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            Socket accepted = server.accept();
            if (mode == SmtpMode.SUBMISSIONS) {
                accepted = TestTls.upgrader().upgrade(accepted);
            }
            Socket sessionSocket = accepted;
            sessionThread = Thread.ofVirtual().start(new SmtpSession(sessionSocket, context));
        }
        client.setSoTimeout(10_000);
        if (mode == SmtpMode.SUBMISSIONS) {
            clientTls();
        } else {
            in = client.getInputStream();
            out = client.getOutputStream();
        }
    }

    /** Starts TLS on the client side (after the server's 220 to STARTTLS, or at once for SUBMISSIONS). */
    void clientTls() throws IOException {
        SSLSocket ssl = (SSLSocket) TestTls.CLIENT.getSocketFactory()
                .createSocket(client, "mx.example.test", client.getPort(), true);
        ssl.setUseClientMode(true);
        ssl.startHandshake();
        client = ssl;
        in = ssl.getInputStream();
        out = ssl.getOutputStream();
    }

    String tlsProtocol() {
        return ((SSLSocket) client).getSession().getProtocol();
    }

    void send(String text) throws IOException {
        sendBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends a command line (CRLF added) and returns the reply. */
    String command(String line) throws IOException {
        send(line + "\r\n");
        return reply();
    }

    /** Reads one (possibly multi-line) reply; returns its lines joined by "\n". Empty at end of stream. */
    String reply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = line();
            if (line == null) {
                return String.join("\n", lines);
            }
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return String.join("\n", lines);
            }
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String s = buffer.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            buffer.write(b);
        }
        return buffer.size() == 0 ? null : buffer.toString(StandardCharsets.UTF_8);
    }

    /** Whether the server closed the connection (reads to the end). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    String greetingAndEhlo() throws IOException {
        assertThat(reply()).isEqualTo("220 mx.example.test ESMTP");
        return command("EHLO client.example");
    }

    /** For submission: STARTTLS (unless already TLS), EHLO, AUTH PLAIN as alice. */
    void loginAsAlice(boolean startTls) throws IOException {
        greetingAndEhlo();
        if (startTls) {
            assertThat(command("STARTTLS")).startsWith("220 2.0.0");
            clientTls();
            assertThat(command("EHLO client.example")).contains("AUTH PLAIN");
        }
        assertThat(command("AUTH PLAIN " + plain("alice@example.test", "secret"))).startsWith("235 2.7.0");
    }

    static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    FakeQueue.Committed onlyMessage() {
        assertThat(queue.committed).hasSize(1);
        return queue.committed.getFirst();
    }

    @Override
    public void close() throws Exception {
        client.close();
        sessionThread.join(Duration.ofSeconds(10));
    }
}
