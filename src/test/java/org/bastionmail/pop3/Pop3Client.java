package org.bastionmail.pop3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A raw POP3 client over a loopback socket: bytes out, lines in, nothing hidden. */
final class Pop3Client implements AutoCloseable {
    private final SSLContext tls;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private Pop3Client(Socket socket, SSLContext tls) throws IOException {
        this.tls = tls;
        use(socket);
        socket.setSoTimeout(20_000);
    }

    /** Connects to the STLS port and reads the greeting. */
    static Pop3Client connect(Pop3Server server) throws IOException {
        return new Pop3Client(new Socket("127.0.0.1", server.port()), server.clientTls);
    }

    /** Connects to the STLS port, upgrades with STLS, and returns the client. */
    static Pop3Client connectTls(Pop3Server server) throws IOException {
        Pop3Client client = connect(server);
        client.expectOk();
        client.startTls();
        return client;
    }

    /** Connects to the implicit TLS port (greeting not read). */
    static Pop3Client connectImplicit(Pop3Server server) throws IOException {
        SSLSocket ssl = (SSLSocket) server.clientTls.getSocketFactory().createSocket("127.0.0.1", server.implicitPort());
        ssl.startHandshake();
        return new Pop3Client(ssl, server.clientTls);
    }

    /** Connects with STLS and logs in as {@code account}. */
    static Pop3Client login(Pop3Server server, String account) throws IOException {
        Pop3Client client = connectTls(server);
        client.send("USER " + account).expectOk();
        String reply = client.command("PASS " + Pop3Server.PASSWORD);
        if (!reply.startsWith("+OK")) {
            throw new AssertionError("login failed: " + reply);
        }
        return client;
    }

    private void use(Socket s) throws IOException {
        socket = s;
        in = s.getInputStream();
        out = s.getOutputStream();
    }

    void startTls() throws IOException {
        String reply = command("STLS");
        if (!reply.startsWith("+OK")) {
            throw new AssertionError("STLS refused: " + reply);
        }
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        ssl.startHandshake();
        use(ssl);
    }

    Pop3Client send(String line) throws IOException {
        return raw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    Pop3Client raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends a command and returns the status line. */
    String command(String line) throws IOException {
        send(line);
        return readLine();
    }

    String expectOk() throws IOException {
        String line = readLine();
        if (!line.startsWith("+OK")) {
            throw new AssertionError("expected +OK, got " + line);
        }
        return line;
    }

    /** One line without CRLF; throws at the end of the stream. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed; partial line: " + line);
            }
            if (b == '\n' && previous == '\r') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
    }

    /** The lines of a multi-line body up to (not including) the terminating ".", still byte-stuffed. */
    List<String> readBody() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line = readLine(); !line.equals("."); line = readLine()) {
            lines.add(line);
        }
        return lines;
    }

    /** Whether the server closed the connection (reads to the end, with the socket's timeout). */
    boolean closedByServer() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
