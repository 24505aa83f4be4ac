package org.bastionmail.audit;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.bastionmail.net.ServerCertificate;

/**
 * A scripted SMTP server on 127.0.0.1 with chosen weaknesses, to see every SMTP check fire (all on) and stay
 * quiet (all off). It never stores or forwards anything.
 */
final class FakeSmtpServer implements AutoCloseable {
    /** Which weaknesses the server has. */
    record Weaknesses(boolean banner, boolean noStartTls, boolean authInClear, boolean vrfy, boolean relay,
            boolean injection, boolean longLines, boolean legacyTls) {
        static Weaknesses all() {
            return new Weaknesses(true, false, true, true, true, true, true, true);
        }

        static Weaknesses none() {
            return new Weaknesses(false, false, false, false, false, false, false, false);
        }

        Weaknesses withoutStartTls() {
            return new Weaknesses(banner, true, authInClear, vrfy, relay, injection, longLines, legacyTls);
        }
    }

    private final ServerSocket listener;
    private final Weaknesses weak;
    private final SSLContext tls;
    private final String hostname;

    FakeSmtpServer(Path dir, String hostname, Weaknesses weak) throws Exception {
        this.weak = weak;
        this.hostname = hostname;
        Path[] files = ServerCertificate.selfSigned(dir.resolve("fake-tls"), hostname);
        this.tls = ServerCertificate.context(files[0], files[1]);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    Path certificate(Path dir) {
        return dir.resolve("fake-tls").resolve("selfsigned-cert.pem");
    }

    int port() {
        return listener.getLocalPort();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            Socket current = socket;
            BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            boolean secure = false;
            write(out, weak.banner ? "220 " + hostname + " ESMTP Postfix 3.4.1 (Debian/GNU)" : "220 " + hostname + " ESMTP");
            String line;
            while ((line = readLine(in)) != null) {
                String verb = (line.contains(" ") ? line.substring(0, line.indexOf(' ')) : line).toUpperCase(Locale.ROOT);
                if (line.length() > 512 && !weak.longLines) {
                    write(out, "500 5.5.2 line too long");
                    continue;
                }
                switch (verb) {
                    case "EHLO" -> {
                        StringBuilder reply = new StringBuilder("250-" + hostname + "\r\n250-PIPELINING\r\n");
                        if (!weak.noStartTls && !secure) {
                            reply.append("250-STARTTLS\r\n");
                        }
                        if (weak.authInClear) {
                            reply.append("250-AUTH PLAIN LOGIN\r\n");
                        }
                        reply.append("250 8BITMIME");
                        write(out, reply.toString());
                    }
                    case "HELO", "NOOP", "RSET" -> write(out, "250 2.0.0 ok");
                    case "MAIL" -> write(out, "250 2.1.0 ok");
                    case "RCPT" -> write(out, weak.relay || line.toLowerCase(Locale.ROOT).matches("rcpt to:<[a-z]+@weak\\.test>")
                            ? "250 2.1.5 ok" : "554 5.7.1 relay access denied");
                    case "VRFY", "EXPN" -> write(out, weak.vrfy ? "250 2.0.0 <postmaster@weak.test>" : "252 2.5.2 cannot verify");
                    case "QUIT" -> {
                        write(out, "221 2.0.0 bye");
                        return;
                    }
                    case "STARTTLS" -> {
                        if (weak.noStartTls || secure) {
                            write(out, "502 5.5.1 no");
                            continue;
                        }
                        // what the client pipelined after STARTTLS: a safe server discards it (RFC 3207 4.2), a weak one keeps it
                        byte[] buffered = in.readNBytes(in.available());
                        byte[] pending = weak.injection ? buffered : new byte[0];
                        write(out, "220 2.0.0 ready");
                        byte[] hello = readRecord(in);
                        if (weak.legacyTls && fakeLegacyHello(hello, out)) {
                            return;
                        }
                        SSLSocket upgraded = (SSLSocket) tls.getSocketFactory().createSocket(current, new ByteArrayInputStream(hello), true);
                        if (!weak.legacyTls) {
                            // Bastion's own protocols and AEAD suites, so that a quiet server's scan finds nothing
                            org.bastionmail.net.TlsSettings.apply(upgraded);
                        }
                        upgraded.startHandshake();
                        current = upgraded;
                        ByteArrayOutputStream rest = new ByteArrayOutputStream();
                        rest.writeBytes(pending);
                        in = new BufferedInputStream(new java.io.SequenceInputStream(new ByteArrayInputStream(rest.toByteArray()), upgraded.getInputStream()));
                        out = upgraded.getOutputStream();
                        secure = true;
                    }
                    default -> write(out, "500 5.5.1 unknown command");
                }
            }
        } catch (IOException e) {
            // the prober hung up
        }
    }

    /** Answers ClientHellos the JDK would never make (TLS 1.0/1.1, or only weak suites) with a ServerHello. */
    private static boolean fakeLegacyHello(byte[] record, OutputStream out) throws IOException {
        DataInputStream data = new DataInputStream(new ByteArrayInputStream(record));
        data.skipBytes(5 + 4);
        int version = data.readUnsignedShort();
        data.skipBytes(32);
        data.skipBytes(data.readUnsignedByte());
        int suitesLength = data.readUnsignedShort();
        int first = -1;
        boolean modern = false;
        for (int i = 0; i < suitesLength / 2; i++) {
            int suite = data.readUnsignedShort();
            first = first < 0 ? suite : first;
            modern |= (suite >> 8) == 0x13;
        }
        if (version >= 0x0303 && modern) {
            return false;
        }
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        hello.write(2);
        hello.write(new byte[] {0, 0, 38});
        hello.write(version >> 8);
        hello.write(version);
        hello.write(new byte[32]);
        hello.write(0);
        hello.write(first >> 8);
        hello.write(first);
        hello.write(0);
        byte[] body = hello.toByteArray();
        out.write(new byte[] {22, 3, 1, 0, (byte) body.length});
        out.write(body);
        out.flush();
        return true;
    }

    private static byte[] readRecord(InputStream in) throws IOException {
        byte[] header = in.readNBytes(5);
        if (header.length < 5) {
            throw new IOException("no TLS record");
        }
        int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.writeBytes(header);
        record.writeBytes(in.readNBytes(length));
        return record.toByteArray();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (line.size() < 100_000) {
                line.write(c);
            }
        }
        if (c == -1 && line.size() == 0) {
            return null;
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
