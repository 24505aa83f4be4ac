package org.bastionmail.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.bastionmail.server.RunningServer;
import org.bastionmail.smtp.client.ConnectionFailure.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against Bastion's own MX and submission listeners: a real server, over real TLS. */
class ClientAgainstBastionTest {
    @TempDir
    static Path dataDir;
    static RunningServer server;
    static final ClientSettings SETTINGS = ClientSettings.defaults("relay.example.org")
            .withTimeouts(Timeouts.all(Duration.ofSeconds(10)));

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(dataDir);
        server.addUser("alice@example.test", "alice's password");
        server.addUser("bob@example.test", "bob's password");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Endpoint mx() {
        return new Endpoint(new InetSocketAddress("127.0.0.1", server.port("smtp")), "mx.example.test",
                Endpoint.Security.STARTTLS);
    }

    private static CertificateCheck serverCertificate(String hostname) throws Exception {
        return CertificateCheck.trusting(List.of(TestCertificates.load(server.certificate())), hostname);
    }

    private static OutboundMessage message(String token, Envelope.BodyType body, String... rcpts) {
        String content = "From: someone@sender.test\r\nTo: alice@example.test\r\nSubject: " + token
                + "\r\nMessage-ID: <" + token + "@sender.test>\r\n\r\nHello " + token + " é\r\n.leading dot\r\n";
        return new OutboundMessage(Optional.of(MailAddress.parse("someone@sender.test")),
                Arrays.stream(rcpts).map(a -> Envelope.Recipient.of(MailAddress.parse(a))).toList(), body, false,
                Optional.empty(), Optional.empty(), MessageContent.of(content.getBytes(StandardCharsets.UTF_8)));
    }

    private static boolean inInbox(String account, String token) throws Exception {
        return server.inbox(account, Duration.ofSeconds(5)).stream()
                .anyMatch(m -> m.contains("Hello " + token) && m.contains("\r\n.leading dot"));
    }

    @Test
    void opportunisticStartTlsDeliversAndReportsTheSession() throws Exception {
        String token = UUID.randomUUID().toString();
        try (SmtpConnection c = SmtpConnection.open(mx(), TlsPolicy.opportunistic(), SETTINGS)) {
            assertThat(c.server().supports("PIPELINING")).isTrue();
            TlsInfo tls = c.tls().orElseThrow();
            assertThat(tls.protocol()).isIn("TLSv1.3", "TLSv1.2");
            assertThat(tls.verified()).isFalse(); // nothing was asked of the certificate
            MessageResult result = c.send(message(token, Envelope.BodyType.EIGHT_BIT_MIME, "alice@example.test"));
            assertThat(result.outcome()).as(result.toString()).isEqualTo(MessageResult.Outcome.DELIVERED);
        }
        assertThat(inInbox("alice@example.test", token)).isTrue();
    }

    @Test
    void opportunisticReportsWhetherThePeerWouldHavePassed() throws Exception {
        TlsPolicy report = new TlsPolicy.Opportunistic(Optional.of(serverCertificate("mx.example.test")));
        try (SmtpConnection c = SmtpConnection.open(mx(), report, SETTINGS)) {
            assertThat(c.tls().orElseThrow().verified()).isTrue();
        }
        TlsPolicy wrongName = new TlsPolicy.Opportunistic(Optional.of(serverCertificate("other.example.test")));
        try (SmtpConnection c = SmtpConnection.open(mx(), wrongName, SETTINGS)) {
            TlsInfo tls = c.tls().orElseThrow();
            assertThat(tls.verified()).isFalse();
            assertThat(tls.problem()).hasValueSatisfying(p -> assertThat(p).contains("other.example.test"));
            assertThat(c.usable()).isTrue(); // report only: delivery goes on
        }
    }

    @Test
    void requiredVerifiedWithTheServersCertificateDelivers() throws Exception {
        String token = UUID.randomUUID().toString();
        TlsPolicy verified = new TlsPolicy.RequiredVerified(serverCertificate("mx.example.test"));
        try (SmtpConnection c = SmtpConnection.open(mx(), verified, SETTINGS)) {
            assertThat(c.tls().orElseThrow().verified()).isTrue();
            assertThat(c.tls().orElseThrow().summary()).endsWith(" verified");
            assertThat(c.send(message(token, Envelope.BodyType.EIGHT_BIT_MIME, "alice@example.test")).outcome())
                    .isEqualTo(MessageResult.Outcome.DELIVERED);
        }
        assertThat(inInbox("alice@example.test", token)).isTrue();
    }

    @Test
    void requiredVerifiedRefusesAnotherCertificateOrName() throws Exception {
        TestCertificates stranger = TestCertificates.selfSigned("mx.example.test");
        TlsPolicy wrongAnchor = new TlsPolicy.RequiredVerified(CertificateCheck.trusting(List.of(stranger.certificate()), "mx.example.test"));
        assertThatThrownBy(() -> SmtpConnection.open(mx(), wrongAnchor, SETTINGS))
                .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                    assertThat(e.failure().stage()).isEqualTo(Stage.CERTIFICATE);
                    assertThat(e.failure().permanent()).isFalse();
                });
        TlsPolicy wrongName = new TlsPolicy.RequiredVerified(serverCertificate("mx.elsewhere.test"));
        assertThatThrownBy(() -> SmtpConnection.open(mx(), wrongName, SETTINGS))
                .isInstanceOfSatisfying(SmtpClientException.class, e -> assertThat(e.failure().stage()).isEqualTo(Stage.CERTIFICATE));
        // the public Web PKI does not know a self-signed certificate
        TlsPolicy system = new TlsPolicy.RequiredVerified(CertificateCheck.systemTrust("mx.example.test"));
        assertThatThrownBy(() -> SmtpConnection.open(mx(), system, SETTINGS))
                .isInstanceOfSatisfying(SmtpClientException.class, e -> assertThat(e.failure().stage()).isEqualTo(Stage.CERTIFICATE));
    }

    @Test
    void oneRecipientRefusedTheOthersDeliveredAndSeveralMessagesPerConnection() throws Exception {
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        String third = UUID.randomUUID().toString();
        try (SmtpConnection c = SmtpConnection.open(mx(), new TlsPolicy.RequiredUnverified(), SETTINGS)) {
            MessageResult result = c.send(message(first, Envelope.BodyType.SEVEN_BIT,
                    "alice@example.test", "nobody@example.test", "bob@example.test"));
            assertThat(result.recipients()).extracting(r -> r.status().getClass().getSimpleName())
                    .containsExactly("Delivered", "PermFailed", "Delivered");
            assertThat(result.recipients().get(1).status().reply().status()).startsWith("5.1.");
            // all refused: the transaction is left open, and the next message must still go through (RSET)
            assertThat(c.send(message(second, Envelope.BodyType.SEVEN_BIT, "nobody@example.test")).outcome())
                    .isEqualTo(MessageResult.Outcome.PERM_FAILED);
            assertThat(c.send(message(third, Envelope.BodyType.SEVEN_BIT, "bob@example.test")).outcome())
                    .isEqualTo(MessageResult.Outcome.DELIVERED);
            assertThat(c.usable()).isTrue();
        }
        assertThat(inInbox("alice@example.test", first)).isTrue();
        assertThat(inInbox("bob@example.test", first)).isTrue();
        assertThat(inInbox("bob@example.test", third)).isTrue();
    }

    @Test
    void relayIsRefusedPermanently() throws Exception {
        try (SmtpConnection c = SmtpConnection.open(mx(), TlsPolicy.opportunistic(), SETTINGS)) {
            MessageResult result = c.send(message("x", Envelope.BodyType.SEVEN_BIT, "victim@elsewhere.test"));
            assertThat(result.outcome()).isEqualTo(MessageResult.Outcome.PERM_FAILED);
            assertThat(result.recipients().getFirst().status().reply().local()).isFalse();
        }
    }

    @Test
    void smarthostStyleSubmissionWithAuth() throws Exception {
        String token = UUID.randomUUID().toString();
        Endpoint submission = new Endpoint(new InetSocketAddress("127.0.0.1", server.port("submission")),
                "mx.example.test", Endpoint.Security.STARTTLS);
        TlsPolicy verified = new TlsPolicy.RequiredVerified(serverCertificate("mx.example.test"));
        try (SmtpConnection c = SmtpConnection.open(submission, verified, SETTINGS)) {
            assertThatThrownBy(() -> c.authenticate(new Credentials("alice@example.test", "wrong")))
                    .isInstanceOfSatisfying(SmtpClientException.class, e -> assertThat(e.failure().permanent()).isTrue());
        }
        try (SmtpConnection c = SmtpConnection.open(submission, verified, SETTINGS)) {
            c.authenticate(new Credentials("alice@example.test", "alice's password"));
            OutboundMessage m = new OutboundMessage(Optional.of(MailAddress.parse("alice@example.test")),
                    List.of(Envelope.Recipient.of(MailAddress.parse("bob@example.test"))), Envelope.BodyType.SEVEN_BIT,
                    false, Optional.empty(), Optional.empty(), MessageContent.of(("From: alice@example.test\r\n"
                            + "To: bob@example.test\r\nSubject: s\r\n\r\nHello " + token + "\r\n.leading dot\r\n")
                            .getBytes(StandardCharsets.UTF_8)));
            assertThat(c.send(m).outcome()).isEqualTo(MessageResult.Outcome.DELIVERED);
        }
        assertThat(inInbox("bob@example.test", token)).isTrue();
    }

    @Test
    void implicitTlsOnTheSubmissionsPort() throws Exception {
        Endpoint submissions = new Endpoint(new InetSocketAddress("127.0.0.1", server.port("submissions")),
                "mx.example.test", Endpoint.Security.IMPLICIT_TLS);
        try (SmtpConnection c = SmtpConnection.open(submissions, new TlsPolicy.RequiredVerified(serverCertificate("mx.example.test")), SETTINGS)) {
            assertThat(c.tls().orElseThrow().verified()).isTrue();
            assertThat(c.server().supports("AUTH")).isTrue();
        }
    }
}
