package org.bastionmail.filter;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bastionmail.server.RunningServer;
import org.bastionmail.store.StoredMessage;

/** A minimal SMTP client for the filter interop tests, and a look into a mailbox. */
public final class SmtpTalk {
    private SmtpTalk() {}

    /** Sends one message and returns the reply to the end of DATA (or the first refusal before it). */
    public static String send(int port, String from, String to, String message) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(120_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            String reply = reply(in);
            for (String command : List.of("EHLO client.sender.test", "MAIL FROM:<" + from + ">", "RCPT TO:<" + to + ">",
                    "DATA")) {
                out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                reply = reply(in);
                if (reply.startsWith("4") || reply.startsWith("5")) {
                    return reply;
                }
            }
            out.write((message.replace("\r\n.", "\r\n..") + "\r\n.\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            reply = reply(in);
            out.write("QUIT\r\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            return reply;
        }
    }

    private static String reply(BufferedReader in) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.length() < 4 || line.charAt(3) == ' ') {
                return line;
            }
        }
        throw new IOException("connection closed");
    }

    /** The messages of a mailbox as text, once delivery has caught up. */
    public static List<String> mailbox(RunningServer server, String account, String mailbox) throws Exception {
        server.server().delivery().awaitIdle(Duration.ofSeconds(20));
        List<String> contents = new ArrayList<>();
        for (StoredMessage message : server.server().store().messages(account, mailbox)) {
            try (InputStream in = server.server().store().openContent(account, mailbox, message.uid()).orElseThrow()) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                in.transferTo(buffer);
                contents.add(buffer.toString(StandardCharsets.UTF_8));
            }
        }
        return contents;
    }

    public static String message(String subject, String body) {
        return "From: Sender <someone@sender.test>\r\nTo: Alice <alice@example.test>\r\nSubject: " + subject + "\r\n"
                + "Date: " + java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(java.time.ZonedDateTime.now())
                + "\r\nMessage-ID: <" + java.util.UUID.randomUUID() + "@sender.test>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + body + "\r\n";
    }
}
