package org.bastionmail.imap;

import org.bastionmail.net.AuthFailures;
import org.bastionmail.net.Pause;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bastionmail.config.Config;
import org.bastionmail.directory.SqliteDirectory;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.net.Listener;
import org.bastionmail.net.ServerCertificate;
import org.bastionmail.net.TlsUpgrade;
import org.bastionmail.store.SqliteMailboxStore;

/** A real store, directory and IMAP listener on loopback in a temporary directory, and raw clients for it. */
final class ImapHarness implements AutoCloseable {
    static final String ALICE = "alice@example.test";
    static final String BOB = "bob@example.test";
    static final String PASSWORD = "secret pass";

    final SqliteMailboxStore store;
    final SqliteDirectory directory;
    final Listener listener;
    final Listener implicit;
    final SSLContext serverTls;

    ImapHarness(Path dir) throws Exception {
        this(dir, ImapLimits.defaults(Config.Limits.defaults()));
    }

    ImapHarness(Path dir, ImapLimits limits) throws Exception {
        this(dir, limits, Clock.systemUTC());
    }

    /** The pauses after failed logins, recorded instead of waited. */
    final List<java.time.Duration> pauses = new java.util.concurrent.CopyOnWriteArrayList<>();
    final UserConnections connections = new UserConnections();

    /** {@code clock} also drives the command rate: a fixed clock never refills the burst. */
    ImapHarness(Path dir, ImapLimits limits, Clock clock) throws Exception {
        Config config = Config.localDefault(dir);
        directory = SqliteDirectory.open(dir, config);
        directory.addUser(MailAddress.parse(ALICE), PASSWORD.toCharArray());
        directory.addUser(MailAddress.parse(BOB), PASSWORD.toCharArray());
        store = SqliteMailboxStore.open(dir);
        store.ensureAccount(ALICE);
        store.ensureAccount(BOB);
        Path[] cert = ServerCertificate.selfSigned(dir.resolve("tls"), "mx.example.test");
        serverTls = ServerCertificate.context(cert[0], cert[1]);
        Pause pause = pauses::add;
        ImapContext plain = new ImapContext("mx.example.test", directory, store,
                Optional.of(new TlsUpgrade(serverTls)), false, limits, clock, pause, connections, AuthFailures.none());
        ImapContext tls = new ImapContext("mx.example.test", directory, store, Optional.empty(), true, limits,
                clock, pause, connections, AuthFailures.none());
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        listener = Listener.start("imap", any, null, s -> new ImapSession(s, plain).run());
        implicit = Listener.start("imaps", any, serverTls, s -> new ImapSession(s, tls).run());
    }

    int port() {
        return listener.address().getPort();
    }

    Client connect() throws IOException {
        return new Client(new Socket(InetAddress.getLoopbackAddress(), port()));
    }

    /** A client logged in as {@code user} over STARTTLS. */
    Client login(String user) throws Exception {
        Client c = connect();
        c.greeting();
        c.startTls();
        assertThat(c.command("a LOGIN \"" + user + "\" \"" + PASSWORD + "\"")).contains("a OK [CAPABILITY");
        return c;
    }

    @Override
    public void close() throws Exception {
        listener.close();
        implicit.close();
        store.close();
        directory.close();
    }

    static SSLContext trustAll() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return ctx;
    }

    /** A raw IMAP client: sends lines, reads lines (literals included in the text). */
    static final class Client implements AutoCloseable {
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private String lastTagged = "";

        Client(Socket socket) throws IOException {
            socket.setSoTimeout(10_000);
            use(socket);
        }

        private void use(Socket s) throws IOException {
            socket = s;
            in = s.getInputStream();
            out = s.getOutputStream();
        }

        String greeting() throws IOException {
            return line();
        }

        void startTls() throws Exception {
            assertThat(command("t STARTTLS")).contains("t OK");
            SSLSocket ssl = (SSLSocket) trustAll().getSocketFactory().createSocket(socket, "mx.example.test",
                    socket.getPort(), true);
            ssl.setUseClientMode(true);
            ssl.startHandshake();
            use(ssl);
        }

        void send(String text) throws IOException {
            sendBytes(text.getBytes(StandardCharsets.UTF_8));
        }

        void sendBytes(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Sends a line and reads until the tagged reply of its tag; returns every line read. */
        String command(String line) throws IOException {
            send(line + "\r\n");
            return until(line.substring(0, line.indexOf(' ')));
        }

        String until(String tag) throws IOException {
            List<String> lines = new ArrayList<>();
            while (true) {
                String l = line();
                if (l == null) {
                    return String.join("\n", lines);
                }
                lines.add(l);
                if (l.startsWith(tag + " ")) {
                    lastTagged = l;
                    return String.join("\n", lines);
                }
            }
        }

        String lastTagged() {
            return lastTagged;
        }

        /** One line; a literal announced at its end is read and appended with the rest of the line. */
        String line() throws IOException {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    String s = buffer.toString(StandardCharsets.UTF_8);
                    s = s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{(\\d+)\\}$").matcher(s);
                    if (m.find()) {
                        byte[] literal = in.readNBytes(Integer.parseInt(m.group(1)));
                        String rest = line();
                        return s + "\n" + new String(literal, StandardCharsets.UTF_8) + (rest == null ? "" : rest);
                    }
                    return s;
                }
                buffer.write(b);
            }
            return buffer.size() == 0 ? null : buffer.toString(StandardCharsets.UTF_8);
        }

        boolean closedByServer() {
            try {
                while (true) {
                    if (in.read() < 0) {
                        return true;
                    }
                }
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
