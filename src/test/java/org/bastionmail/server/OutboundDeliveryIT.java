package org.bastionmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.bastionmail.config.Config;
import org.bastionmail.dns.testserver.TestZone;
import org.bastionmail.queue.QueueEntry;
import org.bastionmail.queue.RecipientState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Bastions on loopback: mail submitted to the first for a domain of the second is relayed to it over
 * SMTP with STARTTLS, found through MX records served by a DNS server on loopback; failures retry or bounce.
 */
class OutboundDeliveryIT {
    private static final String SOA = "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n";
    private static final String PASSWORD = "relay test password";

    @TempDir
    static Path senderDir;
    @TempDir
    static Path receiverDir;
    static RunningServer receiver;
    static RunningServer sender;

    @BeforeAll
    static void start() throws Exception {
        receiver = RunningServer.start(receiverDir, c -> c.withDomains("mx.remote.test", List.of("remote.test")));
        receiver.addUser("bob@remote.test", "bob's password");
        int receiverPort = receiver.port("smtp");
        sender = RunningServer.start(senderDir,
                c -> c.withDelivery(new Config.Delivery(receiverPort, Optional.empty(), Optional.empty())),
                TestZone.parse("remote.test", SOA + """
                        @ MX 10 mx
                        mx A 127.0.0.1
                        """),
                // a domain that says it takes no mail (RFC 7505)
                TestZone.parse("nomail.test", SOA + "@ MX 0 .\n"),
                // a domain whose only MX is down: nothing listens on its port... the receiver's port is used for
                // every MX, so this MX points at an address where nothing listens
                TestZone.parse("down.test", SOA + """
                        @ MX 10 mx
                        mx A 127.0.0.9
                        """));
        sender.addUser("alice@example.test", PASSWORD);
    }

    @AfterAll
    static void stop() {
        sender.close();
        receiver.close();
    }

    private static void submit(String to, String token) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(sender.port("submission")));
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.socketFactory", SubmissionTls.trusting(sender.certificate()).getSocketFactory());
        props.put("mail.smtp.ssl.checkserveridentity", "false");
        props.put("mail.smtp.localhost", "client.example.test");
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("alice@example.test"));
        message.setRecipients(Message.RecipientType.TO, to);
        message.setSubject("relay " + token);
        message.setText("Relayed through Bastion, token " + token + "\n");
        Transport.send(message, "alice@example.test", PASSWORD);
    }

    private static void deliverNow() throws Exception {
        sender.server().delivery().awaitIdle(Duration.ofSeconds(10));
        sender.server().remoteDelivery().scan();
        sender.server().remoteDelivery().awaitIdle(Duration.ofSeconds(30));
        sender.server().delivery().awaitIdle(Duration.ofSeconds(10));
    }

    @Test
    void mailForAnotherDomainIsRelayedOverStartTls() throws Exception {
        String token = UUID.randomUUID().toString();
        submit("bob@remote.test", token);
        deliverNow();
        assertThat(receiver.inbox("bob@remote.test", Duration.ofSeconds(10))).filteredOn(m -> m.contains(token))
                .singleElement().satisfies(m -> {
                    // the receiving side saw the sending Bastion, over TLS
                    assertThat(m).contains("by mx.remote.test with ESMTPS (TLSv1.3");
                    assertThat(m).contains("from mx.example.test");
                    // the sender's submission Received line travelled along
                    assertThat(m).contains("by mx.example.test with ESMTPSA");
                });
        assertThat(sender.server().queue().entries()).noneMatch(e -> e.envelope().recipients().stream()
                .anyMatch(r -> r.address().toString().equals("bob@remote.test")));
    }

    @Test
    void aRecipientTheOtherSideRefusesIsBouncedToTheSender() throws Exception {
        String token = UUID.randomUUID().toString();
        submit("nobody@remote.test", token);
        deliverNow();
        assertThat(sender.inbox("alice@example.test", Duration.ofSeconds(10))).filteredOn(m -> m.contains(token))
                .singleElement().satisfies(m -> {
                    assertThat(m).contains("Undelivered Mail Returned to Sender");
                    assertThat(m).contains("nobody@remote.test").contains("5.1.1");
                });
    }

    @Test
    void aNullMxBouncesAtOnce() throws Exception {
        String token = UUID.randomUUID().toString();
        submit("someone@nomail.test", token);
        deliverNow();
        assertThat(sender.inbox("alice@example.test", Duration.ofSeconds(10))).filteredOn(m -> m.contains(token))
                .singleElement().satisfies(m -> assertThat(m).contains("5.1.10"));
    }

    @Test
    void aServerThatIsDownIsRetriedLater() throws Exception {
        String token = UUID.randomUUID().toString();
        submit("someone@down.test", token);
        deliverNow();
        QueueEntry entry = sender.server().queue().entries().stream()
                .filter(e -> e.envelope().recipients().stream().anyMatch(r -> r.address().domain().equals("down.test")))
                .findFirst().orElseThrow();
        RecipientState state = entry.recipients().getFirst();
        assertThat(state.status()).isEqualTo(RecipientState.Status.DEFERRED);
        assertThat(state.attempts()).isEqualTo(1);
        assertThat(state.nextAttempt()).isPresent();
        assertThat(state.reason()).hasValueSatisfying(r -> assertThat(r).startsWith("4."));
    }
}
