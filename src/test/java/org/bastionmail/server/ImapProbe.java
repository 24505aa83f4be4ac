package org.bastionmail.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A minimal IMAPS client for fault tests: logs in from a chosen loopback address, selects INBOX and
 * returns the lines of one FETCH, so a test can tell the server still serves mailboxes.
 */
final class ImapProbe {
    private ImapProbe() {}

    /** LOGIN, SELECT INBOX, then {@code fetch} (e.g. "1:* (BODY.PEEK[HEADER.FIELDS (X-Token)])"); the untagged lines. */
    static List<String> fetch(SSLSocketFactory tls, String source, int port, String user, String password, String fetch)
            throws IOException {
        Socket plain = new Socket();
        plain.bind(new InetSocketAddress(source, 0));
        plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        plain.setSoTimeout(20_000);
        try (SSLSocket socket = (SSLSocket) tls.createSocket(plain, "localhost", port, true)) {
            socket.startHandshake();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            String greeting = in.readLine();
            if (greeting == null || !greeting.startsWith("* OK")) {
                throw new IOException("greeting: " + greeting);
            }
            command(in, out, "a LOGIN " + user + " \"" + password + "\"");
            command(in, out, "b SELECT INBOX");
            List<String> lines = command(in, out, "c FETCH " + fetch);
            command(in, out, "d LOGOUT");
            return lines;
        }
    }

    /** Sends a command and reads up to its tagged reply, which must be OK. */
    private static List<String> command(BufferedReader in, OutputStream out, String line) throws IOException {
        String tag = line.substring(0, line.indexOf(' '));
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        List<String> lines = new ArrayList<>();
        while (true) {
            String reply = in.readLine();
            if (reply == null) {
                throw new IOException("connection closed after " + line + ": " + lines);
            }
            if (reply.startsWith(tag + " ")) {
                if (!reply.startsWith(tag + " OK")) {
                    throw new IOException(line.startsWith("a LOGIN") ? "LOGIN: " + reply : line + ": " + reply);
                }
                return lines;
            }
            lines.add(reply);
        }
    }
}
