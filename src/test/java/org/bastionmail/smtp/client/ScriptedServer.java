package org.bastionmail.smtp.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A fake SMTP server on 127.0.0.1 that runs a script per connection, line by line; it records what it read. */
final class ScriptedServer implements AutoCloseable {
    @FunctionalInterface
    interface Script {
        void run(Peer peer) throws Exception;
    }

    private final ServerSocket listener;
    final List<String> received = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    private ScriptedServer(ServerSocket listener) {
        this.listener = listener;
    }

    static ScriptedServer start(Script script) throws IOException {
        ServerSocket listener = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
        ScriptedServer server = new ScriptedServer(listener);
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    Thread.ofVirtual().start(() -> {
                        try (Peer peer = new Peer(socket, server.received)) {
                            script.run(peer);
                        } catch (Exception e) {
                            server.failures.add(e);
                        }
                    });
                } catch (IOException e) {
                    // closed
                }
            }
        });
        return server;
    }

    Endpoint endpoint() {
        return new Endpoint(new InetSocketAddress("127.0.0.1", listener.getLocalPort()), "mx.fake.test",
                Endpoint.Security.STARTTLS);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    /** One connection as the script sees it. */
    static final class Peer implements AutoCloseable {
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private final List<String> received;

        Peer(Socket socket, List<String> received) throws IOException {
            this.received = received;
            attach(socket);
        }

        private void attach(Socket s) throws IOException {
            this.socket = s;
            this.in = new BufferedInputStream(s.getInputStream());
            this.out = s.getOutputStream();
        }

        /** Sends each line with CRLF. */
        void send(String... lines) throws IOException {
            StringBuilder all = new StringBuilder();
            for (String line : lines) {
                all.append(line).append("\r\n");
            }
            raw(all.toString().getBytes(StandardCharsets.UTF_8));
        }

        void raw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** One line without its CRLF, recorded; null at end of stream. */
        String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.UTF_8);
                    text = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                    received.add(text);
                    return text;
                }
                line.write(b);
            }
            return null;
        }

        /** Reads lines until one starts with {@code prefix} (case-insensitive), replying {@code reply} to it. */
        String expect(String prefix, String reply) throws IOException {
            String line = line();
            if (line == null || !line.regionMatches(true, 0, prefix, 0, prefix.length())) {
                throw new IOException("expected " + prefix + " but got " + line);
            }
            if (reply != null) {
                send(reply);
            }
            return line;
        }

        /** The greeting, then an EHLO reply offering {@code extensions}. */
        void greetAndEhlo(String... extensions) throws IOException {
            send("220 mx.fake.test ESMTP");
            expect("EHLO", null);
            String[] lines = new String[extensions.length + 1];
            lines[0] = (extensions.length == 0 ? "250 " : "250-") + "mx.fake.test";
            for (int i = 0; i < extensions.length; i++) {
                lines[i + 1] = (i == extensions.length - 1 ? "250 " : "250-") + extensions[i];
            }
            send(lines);
        }

        /** The raw DATA content up to and including the final CRLF.CRLF. */
        byte[] data() throws IOException {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                data.write(b);
                byte[] sofar = data.toByteArray();
                int n = sofar.length;
                if (n >= 5 && sofar[n - 5] == '\r' && sofar[n - 4] == '\n' && sofar[n - 3] == '.'
                        && sofar[n - 2] == '\r' && sofar[n - 1] == '\n'
                        || n == 3 && sofar[0] == '.' && sofar[1] == '\r' && sofar[2] == '\n') {
                    return sofar;
                }
            }
            throw new IOException("connection closed in DATA");
        }

        void startTls(SSLContext context) throws IOException {
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
            tls.setUseClientMode(false);
            tls.startHandshake();
            attach(tls);
        }

        /** Reads and records until the client says QUIT (answered) or goes away. */
        void drain() throws IOException {
            String line;
            while ((line = line()) != null) {
                if (line.equalsIgnoreCase("QUIT")) {
                    send("221 bye");
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
