package org.bastionmail.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.bastionmail.smtp.client.ConnectionFailure.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against scripted servers: the cases a real server cannot easily be made to produce. */
class FakeServerTest {
    private static final ClientSettings SETTINGS = ClientSettings.defaults("client.example.test")
            .withTimeouts(Timeouts.all(Duration.ofSeconds(5)));
    private static final ClientSettings SHORT = SETTINGS.withTimeouts(Timeouts.all(Duration.ofMillis(300)));
    private static final TlsPolicy OPPORTUNISTIC = TlsPolicy.opportunistic();

    private ScriptedServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static Envelope.Recipient rcpt(String address) {
        return Envelope.Recipient.of(MailAddress.parse(address));
    }

    private static OutboundMessage message(Envelope.BodyType body, boolean utf8, String content, String... rcpts) {
        return new OutboundMessage(Optional.of(MailAddress.parse("sender@example.org")),
                java.util.Arrays.stream(rcpts).map(FakeServerTest::rcpt).toList(), body, utf8, Optional.empty(),
                Optional.empty(), MessageContent.of(content.getBytes(StandardCharsets.UTF_8)));
    }

    private static OutboundMessage simple(String... rcpts) {
        return message(Envelope.BodyType.SEVEN_BIT, false, "Subject: hi\r\n\r\nbody\r\n", rcpts);
    }

    private SmtpConnection open(TlsPolicy policy, ClientSettings settings) throws SmtpClientException {
        return SmtpConnection.open(server.endpoint(), policy, settings);
    }

    @Test
    void pipeliningSendsMailRcptAndDataAsOneGroup() throws Exception {
        server = ScriptedServer.start(peer -> {
            peer.greetAndEhlo("PIPELINING", "8BITMIME");
            // no reply before the whole group is in: a client that waited would time out here
            peer.expect("MAIL FROM:<sender@example.org>", null);
            peer.expect("RCPT TO:<a@fake.test>", null);
            peer.expect("RCPT TO:<b@fake.test>", null);
            peer.expect("RCPT TO:<c@fake.test>", null);
            peer.expect("DATA", null);
            peer.send("250 2.1.0 ok", "250 2.1.5 ok", "550 5.1.1 no such user", "451 4.3.0 try later", "354 go");
            peer.data();
            peer.send("250 2.0.0 queued as X");
            peer.expect("QUIT", "221 bye");
        });
        MessageResult result;
        try (SmtpConnection c = open(OPPORTUNISTIC, SETTINGS)) {
            assertThat(c.tls()).isEmpty(); // no STARTTLS offered: opportunistic goes plaintext
            result = c.send(simple("a@fake.test", "b@fake.test", "c@fake.test"));
        }
        assertThat(result.recipients()).extracting(r -> r.status().getClass().getSimpleName())
                .containsExactly("Delivered", "PermFailed", "TempFailed");
        assertThat(result.recipients().get(0).status().reply().text()).isEqualTo("queued as X");
        assertThat(result.recipients().get(1).status().reply().status()).isEqualTo("5.1.1");
        assertThat(result.outcome()).isEqualTo(MessageResult.Outcome.MIXED);
        assertThat(result.connectionFailure()).isEmpty();
        assertThat(server.failures).isEmpty();
    }

    @Test
    void withoutPipeliningEachCommandWaitsAndNoDataWhenAllRecipientsFail() throws Exception {
        server = ScriptedServer.start(peer -> {
            peer.greetAndEhlo("SIZE 1000");
            peer.expect("MAIL FROM:<sender@example.org> SIZE=", "250 ok");
            peer.expect("RCPT TO:<a@fake.test>", "550 5.1.1 unknown");
            // all refused: the client clears the transaction before the next message, with RSET
            peer.expect("RSET", "250 ok");
            peer.expect("MAIL FROM:", "250 ok");
            peer.expect("RCPT TO:<b@fake.test>", "250 ok");
            peer.expect("DATA", "354 go");
            peer.data();
            peer.send("250 ok");
            peer.expect("MAIL FROM:", "250 ok");
            peer.expect("RCPT TO:<c@fake.test>", "250 ok");
            peer.expect("DATA", "354 go");
            peer.data();
            peer.send("452 4.2.2 mailbox full");
            peer.expect("MAIL FROM:", "250 ok"); // no RSET after a finished transaction
            peer.expect("RCPT TO:<d@fake.test>", "250 ok");
            peer.expect("DATA", "554 5.7.1 no thanks");
            peer.expect("QUIT", "221 bye"); // an unfinished transaction needs no RSET before QUIT
        });
        try (SmtpConnection c = open(OPPORTUNISTIC, SETTINGS)) {
            assertThat(c.send(simple("a@fake.test")).outcome()).isEqualTo(MessageResult.Outcome.PERM_FAILED);
            assertThat(c.send(simple("b@fake.test")).outcome()).isEqualTo(MessageResult.Outcome.DELIVERED);
            MessageResult full = c.send(simple("c@fake.test"));
            assertThat(full.outcome()).isEqualTo(MessageResult.Outcome.TEMP_FAILED);
            assertThat(full.recipients().getFirst().status().reply().status()).isEqualTo("4.2.2");
            assertThat(c.send(simple("d@fake.test")).outcome()).isEqualTo(MessageResult.Outcome.PERM_FAILED);
        }
        assertThat(server.failures).isEmpty();
        assertThat(server.received).filteredOn("RSET"::equals).hasSize(1);
    }

    @Test
    void mailRefusedDecidesEveryRecipient() throws Exception {
        server = ScriptedServer.start(peer -> {
            peer.greetAndEhlo();
            peer.expect("MAIL FROM:", "451 4.7.1 greylisted");
            peer.expect("QUIT", "221 bye");
        });
        try (SmtpConnection c = open(OPPORTUNISTIC, SETTINGS)) {
            MessageResult result = c.send(simple("a@fake.test", "b@fake.test"));
            assertThat(result.outcome()).isEqualTo(MessageResult.Outcome.TEMP_FAILED);
            assertThat(result.tempFailed()).allSatisfy(r -> assertThat(r.status().reply().status()).isEqualTo("4.7.1"));
        }
        assertThat(server.received).noneMatch(l -> l.startsWith("RCPT"));
    }

    @Test
    void eightBitToAServerWithout8BitMimeIsRefusedBeforeSending() throws Exception {
        server = ScriptedServer.start(peer -> {
            peer.greetAndEhlo("PIPELINING");
            peer.expect("MAIL FROM:<sender@example.org>", "250 ok"); // the next, 7-bit message
            peer.expect("RCPT TO:", "250 ok");
            peer.expect("DATA", "354 go");
            peer.data();
            peer.send("250 ok");
            peer.expect("QUIT", "221 bye");
        });
        try (SmtpConnection c = open(OPPORTUNISTIC, SETTINGS)) {
            MessageResult eightBit = c.send(message(Envelope.BodyType.EIGHT_BIT_MIME, false, "Subject: é\r\n\r\nç\r\n",
                    "a@fake.test", "b@fake.test"));
            assertThat(eightBit.outcome()).isEqualTo(MessageResult.Outcome.PERM_FAILED);
            SmtpReply reply = eightBit.recipients().getFirst().status().reply();
            assertThat(reply.status()).isEqualTo("5.6.3");
            assertThat(reply.local()).isTrue();
            MessageResult utf8 = c.send(message(Envelope.BodyType.EIGHT_BIT_MIME, true, "x\r\n", "ü@fake.test"));
            assertThat(utf8.recipients().getFirst().status()).isInstanceOf(RecipientStatus.PermFailed.class);
            assertThat(utf8.recipients().getFirst().status().reply().status()).isEqualTo("5.6.7");
            // the connection is still good for a message the server can take
            assertThat(c.send(simple("c@fake.test")).outcome()).isEqualTo(MessageResult.Outcome.DELIVERED);
        }
        assertThat(server.failures).isEmpty();
    }

    @Test
    void sizeOverTheServersLimitIsAPermanentFailure() throws Exception {
        server = ScriptedServer.start(peer -> {
            peer.greetAndEhlo("SIZE 10");
            peer.drain();
        });
        try (SmtpConnection c = open(OPPORTUNISTIC, SETTINGS)) {
            SmtpReply reply = c.send(simple("a@fake.test")).recipients().getFirst().status().reply();
            assertThat(reply.code()).isEqualTo(552);
            assertThat(reply.status()).isEqualTo("5.3.4");
        }
        assertThat(server.received).noneMatch(l -> l.startsWith("MAIL"));
    }

    @Test
    void dsnParametersOnlyWhenOffered() throws Exception {
        server = ScriptedServer.start(peer -> {
            peer.greetAndEhlo("DSN", "8BITMIME", "SMTPUTF8", "SIZE");
            peer.expect("MAIL FROM:<sender@example.org> SIZE=", "250 ok");
            peer.expect("RCPT TO:<a@fake.test> NOTIFY=DELAY,FAILURE ORCPT=rfc822;a+2Bx@fake.test", "250 ok");
            peer.expect("DATA", "354 go");
            peer.data();
            peer.send("250 ok");
            peer.expect("QUIT", "221 bye");
        });
        OutboundMessage dsn = new OutboundMessage(Optional.of(MailAddress.parse("sender@example.org")),
                List.of(new Envelope.Recipient(MailAddress.parse("a@fake.test"),
                        Set.of(Envelope.Notify.FAILURE, Envelope.Notify.DELAY), Optional.of("rfc822;a+x@fake.test"))),
                Envelope.BodyType.EIGHT_BIT_MIME, false, Optional.of(Envelope.Ret.HDRS), Optional.of("id=1 x"),
                MessageContent.of("x\r\n".getBytes(StandardCharsets.US_ASCII)));
        try (SmtpConnection c = open(OPPORTUNISTIC, SETTINGS)) {
            assertThat(c.send(dsn).outcome()).isEqualTo(MessageResult.Outcome.DELIVERED);
        }
        assertThat(server.failures).isEmpty();
        assertThat(server.received).contains("MAIL FROM:<sender@example.org> SIZE=3 BODY=8BITMIME RET=HDRS ENVID=id+3D1+20x");

        try (ScriptedServer plain = ScriptedServer.start(peer -> {
            peer.greetAndEhlo();
            peer.expect("MAIL FROM:<sender@example.org>", "250 ok");
            peer.expect("RCPT TO:<a@fake.test>", "250 ok");
            peer.expect("DATA", "354 go");
            peer.data();
            peer.send("250 ok");
            peer.drain();
        })) {
            // a 7-bit copy of the same envelope: no DSN, no SIZE, no BODY to a server that offers none
            OutboundMessage sevenBit = new OutboundMessage(dsn.sender(), dsn.recipients(), Envelope.BodyType.SEVEN_BIT,
                    false, dsn.ret(), dsn.envId(), dsn.content());
            try (SmtpConnection c = SmtpConnection.open(plain.endpoint(), OPPORTUNISTIC, SETTINGS)) {
                assertThat(c.send(sevenBit).outcome()).isEqualTo(MessageResult.Outcome.DELIVERED);
            }
            assertThat(plain.received).contains("MAIL FROM:<sender@example.org>", "RCPT TO:<a@fake.test>");
        }
    }

    @Test
    void contentIsDotStuffedWithCrlfOnTheWire(@TempDir Path dir) throws Exception {
        byte[][] seen = new byte[1][];
        server = ScriptedServer.start(peer -> {
            peer.greetAndEhlo("PIPELINING");
            peer.expect("MAIL", null);
            peer.expect("RCPT", null);
            peer.expect("DATA", null);
            peer.send("250 ok", "250 ok", "354 go");
            seen[0] = peer.data();
            peer.send("250 ok");
            peer.drain();
        });
        Path file = dir.resolve("message");
        Files.writeString(file, "Subject: dots\n\n.hidden\n..\nlast line without newline");
        OutboundMessage m = new OutboundMessage(Optional.empty(), List.of(rcpt("a@fake.test")), Envelope.BodyType.SEVEN_BIT,
                false, Optional.empty(), Optional.empty(), MessageContent.of(file));
        try (SmtpConnection c = open(OPPORTUNISTIC, SETTINGS)) {
            assertThat(c.send(m).outcome()).isEqualTo(MessageResult.Outcome.DELIVERED);
        }
        assertThat(new String(seen[0], StandardCharsets.US_ASCII))
                .isEqualTo("Subject: dots\r\n\r\n..hidden\r\n...\r\nlast line without newline\r\n.\r\n");
        assertThat(server.received).contains("MAIL FROM:<>");
    }

    @Test
    void heloFallbackWhenEhloIsUnknown() throws Exception {
        server = ScriptedServer.start(peer -> {
            peer.send("220 old.fake.test SMTP");
            peer.expect("EHLO client.example.test", "502 5.5.1 what?");
            peer.expect("HELO client.example.test", "250 old.fake.test");
            peer.drain();
        });
        try (SmtpConnection c = open(OPPORTUNISTIC, SETTINGS)) {
            assertThat(c.server().esmtp()).isFalse();
            assertThat(c.server().extensions()).isEmpty();
        }
        // TLS cannot be required from a server that knows no extensions
        assertThatThrownBy(() -> open(new TlsPolicy.RequiredUnverified(), SETTINGS))
                .isInstanceOfSatisfying(SmtpClientException.class, e -> assertThat(e.failure().stage()).isEqualTo(Stage.STARTTLS));
    }

    @Test
    void requiredTlsWithoutStartTlsOfferedFails() throws Exception {
        server = ScriptedServer.start(peer -> {
            peer.greetAndEhlo("PIPELINING");
            peer.expect("QUIT", "221 bye");
        });
        assertThatThrownBy(() -> open(new TlsPolicy.RequiredUnverified(), SETTINGS))
                .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                    assertThat(e.failure().stage()).isEqualTo(Stage.STARTTLS);
                    assertThat(e.failure().permanent()).isFalse();
                });
        assertThat(server.received).noneMatch(l -> l.startsWith("MAIL"));
    }

    @Test
    void failedHandshakeIsATemporaryFailureEvenWhenOpportunistic() throws Exception {
        server = ScriptedServer.start(peer -> {
            peer.greetAndEhlo("STARTTLS");
            peer.expect("STARTTLS", "220 go ahead");
            peer.raw("this is not a TLS server hello\r\n".getBytes(StandardCharsets.US_ASCII));
            peer.drain();
        });
        assertThatThrownBy(() -> open(OPPORTUNISTIC, SETTINGS))
                .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                    assertThat(e.failure().stage()).isEqualTo(Stage.TLS_HANDSHAKE);
                    assertThat(e.failure().permanent()).isFalse();
                });
    }

    @Test
    void refusedStartTlsIsNotADowngrade() throws Exception {
        server = ScriptedServer.start(peer -> {
            peer.greetAndEhlo("STARTTLS");
            peer.expect("STARTTLS", "454 4.7.0 TLS not available");
            peer.drain();
        });
        assertThatThrownBy(() -> open(OPPORTUNISTIC, SETTINGS))
                .isInstanceOfSatisfying(SmtpClientException.class, e -> assertThat(e.failure().stage()).isEqualTo(Stage.STARTTLS));
        assertThat(server.received).noneMatch(l -> l.startsWith("MAIL"));
    }

    @Test
    void authIsNeverSentWithoutTls() throws Exception {
        server = ScriptedServer.start(peer -> {
            peer.greetAndEhlo("AUTH PLAIN LOGIN");
            peer.drain();
        });
        try (SmtpConnection c = open(OPPORTUNISTIC, SETTINGS)) {
            assertThatThrownBy(() -> c.authenticate(new Credentials("user", "secret")))
                    .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                        assertThat(e.failure().stage()).isEqualTo(Stage.AUTH);
                        assertThat(e.getMessage()).doesNotContain("secret");
                    });
        }
        assertThat(server.received).noneMatch(l -> l.startsWith("AUTH"));
    }

    @Test
    void authLoginOverTlsAndRequiredVerifiedWithTheFakeServersCertificate() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.fake.test");
        server = ScriptedServer.start(peer -> {
            peer.greetAndEhlo("STARTTLS");
            peer.expect("STARTTLS", "220 go ahead");
            peer.startTls(cert.serverContext());
            peer.expect("EHLO", null);
            peer.send("250-mx.fake.test", "250 AUTH LOGIN");
            peer.expect("AUTH LOGIN", "334 VXNlcm5hbWU6");
            peer.expect("dXNlcg==", "334 UGFzc3dvcmQ6");
            peer.expect("c2VjcmV0", "235 2.7.0 ok");
            peer.expect("QUIT", "221 bye");
        });
        TlsPolicy verified = new TlsPolicy.RequiredVerified(CertificateCheck.trusting(List.of(cert.certificate()), "mx.fake.test"));
        try (SmtpConnection c = open(verified, SETTINGS)) {
            assertThat(c.tls()).hasValueSatisfying(t -> assertThat(t.verified()).isTrue());
            c.authenticate(new Credentials("user", "secret"));
        }
        assertThat(server.failures).isEmpty();
        assertThat(server.received).contains("c2VjcmV0");
    }

    @Test
    void refusedCredentialsArePermanent() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.fake.test");
        server = ScriptedServer.start(peer -> {
            peer.greetAndEhlo("STARTTLS");
            peer.expect("STARTTLS", "220 go ahead");
            peer.startTls(cert.serverContext());
            peer.expect("EHLO", null);
            peer.send("250-mx.fake.test", "250 AUTH PLAIN");
            peer.expect("AUTH PLAIN AHVzZXIAd3Jvbmc=", "535 5.7.8 bad credentials");
            peer.drain();
        });
        try (SmtpConnection c = open(new TlsPolicy.RequiredUnverified(), SETTINGS)) {
            assertThat(c.tls()).hasValueSatisfying(t -> assertThat(t.verified()).isFalse());
            assertThatThrownBy(() -> c.authenticate(new Credentials("user", "wrong")))
                    .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                        assertThat(e.failure().permanent()).isTrue();
                        assertThat(e.failure().reply()).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(535));
                    });
        }
    }

    @Test
    void greetingRefusalIsPermanentAndTemporaryOnesAreNot() throws Exception {
        server = ScriptedServer.start(peer -> {
            peer.send("554 5.7.1 no service for you");
            peer.expect("QUIT", "221 bye");
        });
        assertThatThrownBy(() -> open(OPPORTUNISTIC, SETTINGS))
                .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                    assertThat(e.failure().stage()).isEqualTo(Stage.GREETING);
                    assertThat(e.failure().permanent()).isTrue();
                });
        try (ScriptedServer busy = ScriptedServer.start(peer -> peer.send("421 4.3.2 too busy"))) {
            assertThatThrownBy(() -> SmtpConnection.open(busy.endpoint(), OPPORTUNISTIC, SETTINGS))
                    .isInstanceOfSatisfying(SmtpClientException.class, e -> assertThat(e.failure().permanent()).isFalse());
        }
    }

    @Test
    void silentServerTimesOutAtTheGreeting() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        server = ScriptedServer.start(peer -> done.await(10, TimeUnit.SECONDS));
        assertThatThrownBy(() -> open(OPPORTUNISTIC, SHORT))
                .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                    assertThat(e.failure().stage()).isEqualTo(Stage.GREETING);
                    assertThat(e.failure().permanent()).isFalse();
                });
        done.countDown();
    }

    @Test
    void noReplyToTheFinalDotLeavesRecipientsTemporarilyFailed() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        server = ScriptedServer.start(peer -> {
            peer.greetAndEhlo("PIPELINING");
            peer.expect("MAIL", null);
            peer.expect("RCPT", null);
            peer.expect("RCPT", null);
            peer.expect("DATA", null);
            peer.send("250 ok", "250 ok", "550 5.1.1 unknown", "354 go");
            peer.data();
            done.await(10, TimeUnit.SECONDS); // never answers the dot
        });
        try (SmtpConnection c = open(OPPORTUNISTIC, SHORT)) {
            MessageResult result = c.send(simple("a@fake.test", "b@fake.test"));
            assertThat(result.connectionFailure()).hasValueSatisfying(f -> {
                assertThat(f.stage()).isEqualTo(Stage.END_OF_DATA);
                assertThat(f.detail()).contains("timeout");
            });
            // the refusal stays final; only the undecided recipient is temporary
            assertThat(result.recipients()).extracting(r -> r.status().getClass().getSimpleName())
                    .containsExactly("TempFailed", "PermFailed");
            assertThat(c.usable()).isFalse();
            assertThat(c.send(simple("c@fake.test")).outcome()).isEqualTo(MessageResult.Outcome.TEMP_FAILED);
        }
        done.countDown();
    }

    @Test
    void garbageAndHugeRepliesAreProtocolFailures() throws Exception {
        server = ScriptedServer.start(peer -> {
            peer.send("220 mx.fake.test ESMTP");
            peer.expect("EHLO", null);
            peer.raw(("250-" + "x".repeat(100_000) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            peer.drain();
        });
        assertThatThrownBy(() -> open(OPPORTUNISTIC, SETTINGS))
                .isInstanceOfSatisfying(SmtpClientException.class, e -> assertThat(e.failure().stage()).isEqualTo(Stage.PROTOCOL));

        try (ScriptedServer endless = ScriptedServer.start(peer -> {
            peer.send("220 mx.fake.test ESMTP");
            peer.expect("EHLO", null);
            for (int i = 0; i < 10_000; i++) {
                peer.send("250-EXTENSION" + i);
            }
        })) {
            assertThatThrownBy(() -> SmtpConnection.open(endless.endpoint(), OPPORTUNISTIC, SETTINGS))
                    .isInstanceOfSatisfying(SmtpClientException.class, e -> assertThat(e.failure().detail()).contains("more than 200 lines"));
        }
        try (ScriptedServer garbage = ScriptedServer.start(peer -> peer.raw("\u0016\u0003\u0001 hello\r\n".getBytes(StandardCharsets.ISO_8859_1)))) {
            assertThatThrownBy(() -> SmtpConnection.open(garbage.endpoint(), OPPORTUNISTIC, SETTINGS))
                    .isInstanceOfSatisfying(SmtpClientException.class, e -> assertThat(e.failure().stage()).isEqualTo(Stage.PROTOCOL));
        }
    }

    @Test
    void aRefusalStaysFinalWhenTheServerHangsUpLater() throws Exception {
        server = ScriptedServer.start(peer -> {
            peer.greetAndEhlo();
            peer.expect("MAIL", "250 ok");
            peer.expect("RCPT TO:<a@fake.test>", "550 5.1.1 unknown");
            peer.expect("RCPT TO:<b@fake.test>", null); // and the connection drops
        });
        try (SmtpConnection c = open(OPPORTUNISTIC, SETTINGS)) {
            MessageResult result = c.send(simple("a@fake.test", "b@fake.test"));
            assertThat(result.connectionFailure()).isPresent();
            assertThat(result.recipients()).extracting(r -> r.status().getClass().getSimpleName())
                    .containsExactly("PermFailed", "TempFailed");
            assertThat(result.tempFailed().getFirst().status().reply().local()).isTrue();
        }
    }

    @Test
    void garbageMidTransactionBreaksTheConnection() throws Exception {
        server = ScriptedServer.start(peer -> {
            peer.greetAndEhlo();
            peer.expect("MAIL", "250 ok");
            peer.expect("RCPT", "hello there");
            peer.drain();
        });
        try (SmtpConnection c = open(OPPORTUNISTIC, SETTINGS)) {
            MessageResult result = c.send(simple("a@fake.test"));
            assertThat(result.connectionFailure()).hasValueSatisfying(f -> assertThat(f.stage()).isEqualTo(Stage.PROTOCOL));
            assertThat(result.outcome()).isEqualTo(MessageResult.Outcome.TEMP_FAILED);
        }
    }

    @Test
    void connectionRefusedIsATemporaryConnectFailure() throws Exception {
        // A bound socket that does not listen keeps the port ours, and a connection to it is refused:
        // a freed port could be taken by another process in the meantime.
        try (java.net.Socket reserved = new java.net.Socket()) {
            reserved.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            Endpoint closed = new Endpoint(new java.net.InetSocketAddress("127.0.0.1", reserved.getLocalPort()),
                    "mx.example.test", Endpoint.Security.STARTTLS);
            assertThatThrownBy(() -> SmtpConnection.open(closed, OPPORTUNISTIC, SHORT))
                    .isInstanceOfSatisfying(SmtpClientException.class, e -> {
                        assertThat(e.failure().stage()).isEqualTo(Stage.CONNECT);
                        assertThat(e.failure().permanent()).isFalse();
                    });
        }
    }

    @Test
    void readOnceContentCannotBeSentTwice() throws Exception {
        MessageContent once = MessageContent.once(new ByteArrayInputStream(new byte[] {'x'}), 1);
        once.open().close();
        assertThatThrownBy(once::open).isInstanceOf(java.io.IOException.class);
    }
}
