package org.bastionmail.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Submission and MX delivery driven by Angus (Jakarta) Mail, a client nobody here wrote. */
class SubmissionWithAngusMailIT {
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    static Path dataDir;
    static RunningServer server;
    static SSLContext trustingOurCertificate;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(dataDir);
        server.addUser("alice@example.test", PASSWORD);
        server.addUser("bob@example.test", "another password");
        trustingOurCertificate = SubmissionTls.trusting(server.certificate());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Session session(String protocol, int port, boolean auth) {
        Properties props = new Properties();
        String p = "mail." + protocol + ".";
        props.put("mail.transport.protocol.rfc822", protocol);
        props.put(p + "host", "127.0.0.1");
        props.put(p + "port", String.valueOf(port));
        props.put(p + "auth", String.valueOf(auth));
        props.put(p + "connectiontimeout", "10000");
        props.put(p + "timeout", "10000");
        props.put(p + "localhost", "client.example.test");
        // Our certificate names mx.example.test while the test connects to 127.0.0.1: the chain is
        // verified against the generated certificate, only the host name check is left out.
        props.put(p + "ssl.socketFactory", trustingOurCertificate.getSocketFactory());
        props.put(p + "ssl.checkserveridentity", "false");
        if (protocol.equals("smtp")) {
            props.put(p + "starttls.enable", "true");
            props.put(p + "starttls.required", "true");
        }
        return Session.getInstance(props);
    }

    private static MimeMessage message(Session session, String from, String to, String token) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(from));
        message.setRecipients(Message.RecipientType.TO, to);
        message.setSubject("Angus " + token);
        message.setText("Hello from Angus Mail, token " + token + "\n");
        return message;
    }

    @Test
    void submissionWithStartTlsAndAuthIsStoredWithAReceivedLine() throws Exception {
        String token = UUID.randomUUID().toString();
        Session session = session("smtp", server.port("submission"), true);
        Transport.send(message(session, "alice@example.test", "bob@example.test", token), "alice@example.test", PASSWORD);

        List<String> inbox = server.inbox("bob@example.test", Duration.ofSeconds(10));
        assertThat(inbox).filteredOn(m -> m.contains(token)).singleElement().satisfies(m -> {
            assertThat(m).startsWith("Received: ");
            assertThat(m).contains("ESMTPSA").contains("TLSv1.3").contains("alice@example.test");
            assertThat(m).contains("Message-ID:").contains("Date:");
        });
    }

    @Test
    void implicitTlsSubmissionWorks() throws Exception {
        String token = UUID.randomUUID().toString();
        Session session = session("smtps", server.port("submissions"), true);
        Transport.send(message(session, "alice@example.test", "alice@example.test", token), "alice@example.test", PASSWORD);
        assertThat(server.inbox("alice@example.test", Duration.ofSeconds(10))).anyMatch(m -> m.contains(token));
    }

    @Test
    void aWrongPasswordIsRefused() {
        Session session = session("smtp", server.port("submission"), true);
        assertThatThrownBy(() -> Transport.send(message(session, "alice@example.test", "bob@example.test", "x"),
                "alice@example.test", "wrong"))
                .isInstanceOf(jakarta.mail.AuthenticationFailedException.class);
    }

    @Test
    void sendingAsSomeoneElseIsRefused() {
        Session session = session("smtp", server.port("submission"), true);
        assertThatThrownBy(() -> Transport.send(message(session, "bob@example.test", "bob@example.test", "spoof"),
                "alice@example.test", PASSWORD))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("5.7.1");
    }

    @Test
    void theMxAcceptsMailForLocalUsersWithoutAuth() throws Exception {
        String token = UUID.randomUUID().toString();
        Session session = session("smtp", server.port("smtp"), false);
        Transport.send(message(session, "someone@elsewhere.test", "alice@example.test", token));
        assertThat(server.inbox("alice@example.test", Duration.ofSeconds(10)))
                .filteredOn(m -> m.contains(token)).singleElement()
                .satisfies(m -> {
                    // The verdicts come first, then our Received line, then the client's header.
                    assertThat(m).startsWith("Authentication-Results: mx.example.test;");
                    assertThat(m).contains("spf=none").contains("dkim=none").contains("Received-SPF: none");
                    assertThat(m.indexOf("\r\nReceived: from client.example.test")).isPositive();
                    assertThat(m).contains("ESMTPS");
                });
    }

    @Test
    void theMxRefusesToRelay() {
        Session session = session("smtp", server.port("smtp"), false);
        assertThatThrownBy(() -> Transport.send(message(session, "someone@elsewhere.test", "victim@other.test", "relay")))
                .isInstanceOf(MessagingException.class)
                .hasStackTraceContaining("5.7.1");
    }

    @Test
    void theMxRefusesUnknownUsers() {
        Session session = session("smtp", server.port("smtp"), false);
        assertThatThrownBy(() -> Transport.send(message(session, "someone@elsewhere.test", "nobody@example.test", "x")))
                .isInstanceOf(MessagingException.class)
                .hasStackTraceContaining("5.1.1");
    }
}
