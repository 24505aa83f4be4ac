package org.bastionmail.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** REQUIRETLS (RFC 8689 4.2.1) on the sending side, against the scripted fake server. */
class RequireTlsClientTest {
    private static final ClientSettings SETTINGS = ClientSettings.defaults("client.example.test")
            .withTimeouts(Timeouts.all(Duration.ofSeconds(5)));

    private ScriptedServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static OutboundMessage message(Optional<MailAddress> sender, boolean requireTls) {
        return new OutboundMessage(sender, List.of(Envelope.Recipient.of(MailAddress.parse("a@fake.test"))),
                Envelope.BodyType.SEVEN_BIT, false, Optional.empty(), Optional.empty(),
                MessageContent.of("Subject: secret\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8)), requireTls);
    }

    private static OutboundMessage requireTls() {
        return message(Optional.of(MailAddress.parse("sender@example.org")), true);
    }

    /** STARTTLS, then an EHLO reply with {@code extensions}; then whatever comes, until QUIT. */
    private static ScriptedServer.Script tlsThen(TestCertificates cert, ScriptedServer.Script rest, String... extensions) {
        return peer -> {
            peer.greetAndEhlo("STARTTLS");
            peer.expect("STARTTLS", "220 go ahead");
            peer.startTls(cert.serverContext());
            peer.expect("EHLO", null);
            String[] lines = new String[extensions.length + 1];
            lines[0] = (extensions.length == 0 ? "250 " : "250-") + "mx.fake.test";
            for (int i = 0; i < extensions.length; i++) {
                lines[i + 1] = (i == extensions.length - 1 ? "250 " : "250-") + extensions[i];
            }
            peer.send(lines);
            rest.run(peer);
        };
    }

    private static ScriptedServer.Script accepting() {
        return peer -> {
            peer.expect("MAIL FROM:", "250 2.1.0 ok");
            peer.expect("RCPT TO:<a@fake.test>", "250 2.1.5 ok");
            peer.expect("DATA", "354 go");
            peer.data();
            peer.send("250 2.0.0 queued");
            peer.drain();
        };
    }

    private static TlsPolicy trusting(TestCertificates cert) {
        return new TlsPolicy.RequiredVerified(CertificateCheck.trusting(List.of(cert.certificate()), "mx.fake.test"));
    }

    @Test
    void sentWithTheParameterOverVerifiedTlsToAServerThatOffersIt() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.fake.test");
        server = ScriptedServer.start(tlsThen(cert, accepting(), "REQUIRETLS"));
        try (SmtpConnection c = SmtpConnection.open(server.endpoint(), trusting(cert), SETTINGS)) {
            assertThat(c.send(requireTls()).outcome()).isEqualTo(MessageResult.Outcome.DELIVERED);
        }
        assertThat(server.failures).isEmpty();
        assertThat(server.received).contains("MAIL FROM:<sender@example.org> REQUIRETLS");
    }

    @Test
    void refusedLocallyWhenTheServerDoesNotOfferIt() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.fake.test");
        server = ScriptedServer.start(tlsThen(cert, ScriptedServer.Peer::drain, "PIPELINING"));
        try (SmtpConnection c = SmtpConnection.open(server.endpoint(), trusting(cert), SETTINGS)) {
            MessageResult result = c.send(requireTls());
            assertThat(result.permFailed()).singleElement()
                    .satisfies(r -> assertThat(r.status().reply().status()).isEqualTo("5.7.30"));
            assertThat(c.usable()).isTrue();
        }
        assertThat(server.received).noneMatch(l -> l.startsWith("MAIL"));
    }

    @Test
    void refusedLocallyOverUnverifiedTlsEvenWhenOffered() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.fake.test");
        server = ScriptedServer.start(tlsThen(cert, accepting(), "REQUIRETLS"));
        try (SmtpConnection c = SmtpConnection.open(server.endpoint(), TlsPolicy.opportunistic(), SETTINGS)) {
            assertThat(c.send(requireTls()).permFailed()).singleElement()
                    .satisfies(r -> assertThat(r.status().reply().status()).isEqualTo("5.7.10"));
            // the same connection still carries a message that asks for nothing, without the parameter
            assertThat(c.send(message(Optional.of(MailAddress.parse("other@example.org")), false)).outcome())
                    .isEqualTo(MessageResult.Outcome.DELIVERED);
        }
        assertThat(server.received).contains("MAIL FROM:<other@example.org>").noneMatch(l -> l.contains("REQUIRETLS"));
    }

    @Test
    void refusedLocallyInPlaintext() throws Exception {
        server = ScriptedServer.start(peer -> {
            // a server that claims REQUIRETLS without TLS must not get the message
            peer.greetAndEhlo("PIPELINING", "REQUIRETLS");
            peer.drain();
        });
        try (SmtpConnection c = SmtpConnection.open(server.endpoint(), TlsPolicy.opportunistic(), SETTINGS)) {
            assertThat(c.tls()).isEmpty();
            assertThat(c.send(requireTls()).permFailed()).singleElement()
                    .satisfies(r -> assertThat(r.status().reply().status()).isEqualTo("5.7.10"));
        }
        assertThat(server.received).noneMatch(l -> l.startsWith("MAIL"));
    }

    @Test
    void aBounceOfARequireTlsMessageIsSentAnywayWithoutTheParameter() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.fake.test");
        server = ScriptedServer.start(tlsThen(cert, accepting(), "PIPELINING"));
        try (SmtpConnection c = SmtpConnection.open(server.endpoint(), trusting(cert), SETTINGS)) {
            // RFC 8689 5: REQUIRETLS should not make a bounce (null reverse-path) be discarded
            assertThat(c.send(message(Optional.empty(), true)).outcome()).isEqualTo(MessageResult.Outcome.DELIVERED);
        }
        assertThat(server.received).contains("MAIL FROM:<>");
    }
}
