package org.bastionmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile input against the whole server (real directory, queue and store), over raw sockets: what must
 * never be delivered is looked for in the mailbox, not only in the replies.
 */
class ProtocolEdgesIT {
    @TempDir
    static Path dataDir;
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(dataDir);
        server.addUser("dave@example.test", "dave's password");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RawSmtpClient mx() throws Exception {
        RawSmtpClient client = new RawSmtpClient(server.port("smtp"));
        assertThat(client.reply()).startsWith("220 mx.example.test ESMTP").doesNotContainIgnoringCase("bastion");
        assertThat(client.command("EHLO attacker.example.test")).startsWith("250-");
        return client;
    }

    private static boolean delivered(String token) throws Exception {
        return server.inbox("dave@example.test", Duration.ofSeconds(5)).stream().anyMatch(m -> m.contains(token));
    }

    /** SMTP smuggling (2023): a fake end of data followed by a second transaction inside the first message. */
    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\r.\r", "\r\n.\n", "\n.\r\n", "\r.\r\n", "\r\n\u0000.\r\n"})
    void noFakeEndOfDataSmugglesASecondMessage(String fakeEnd) throws Exception {
        String token = UUID.randomUUID().toString();
        try (RawSmtpClient smtp = mx()) {
            smtp.command("MAIL FROM:<a@elsewhere.test>");
            smtp.command("RCPT TO:<dave@example.test>");
            assertThat(smtp.command("DATA")).startsWith("354");
            smtp.send("Subject: outer\r\n\r\nfirst" + fakeEnd
                    + "MAIL FROM:<ceo@example.test>\r\nRCPT TO:<dave@example.test>\r\nDATA\r\n"
                    + "Subject: smuggled " + token + "\r\n\r\nwire money\r\n.\r\n");
            String reply = smtp.reply();
            assertThat(reply).startsWith("554 5.6.0");
            assertThat(smtp.command("NOOP")).startsWith("250"); // still in sync: nothing was read as a command
        }
        assertThat(delivered(token)).isFalse();
    }

    @Test
    void plaintextInjectedAfterStartTlsIsDiscardedAndTheConnectionDropped() throws Exception {
        try (RawSmtpClient smtp = new RawSmtpClient(server.port("submission"))) {
            smtp.reply();
            smtp.command("EHLO attacker.example.test");
            smtp.send("STARTTLS\r\nMAIL FROM:<dave@example.test>\r\n");
            // The 220 for STARTTLS, then the close: never a reply to the injected MAIL, never a handshake.
            assertThat(smtp.reply()).startsWith("220 2.0.0");
            assertThat(smtp.closedByServer()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<victim@other.test>",
        "<victim%other.test@example.test>",
        "<\"victim@other.test\"@example.test>",
        "<@example.test:victim@other.test>",
        "<victim@other.test@example.test>",
        "<other.test!victim@example.test>",
        "<dave%other.test@example.test>"})
    void openRelayTricksAreRefused(String path) throws Exception {
        try (RawSmtpClient smtp = mx()) {
            smtp.command("MAIL FROM:<spammer@elsewhere.test>");
            String reply = smtp.command("RCPT TO:" + path);
            assertThat(reply).matches("5\\d\\d 5\\.[17]\\.\\d .*");
        }
        assertThat(server.server().queue().entries()).isEmpty();
    }

    @Test
    void pipelinedTransactionsAreAnsweredInOrder() throws Exception {
        String token = UUID.randomUUID().toString();
        try (RawSmtpClient smtp = mx()) {
            smtp.send("MAIL FROM:<a@elsewhere.test>\r\nRCPT TO:<nobody@example.test>\r\nRCPT TO:<dave@example.test>\r\nDATA\r\n");
            assertThat(smtp.reply()).startsWith("250 2.1.0");
            assertThat(smtp.reply()).startsWith("550 5.1.1");
            assertThat(smtp.reply()).startsWith("250 2.1.5");
            assertThat(smtp.reply()).startsWith("354");
            smtp.send("Subject: " + token + "\r\n\r\n..dot-stuffed line\r\n.\r\nQUIT\r\n");
            assertThat(smtp.reply()).startsWith("250 2.0.0 OK queued as ");
            assertThat(smtp.reply()).startsWith("221");
        }
        assertThat(server.inbox("dave@example.test", Duration.ofSeconds(5)))
                .filteredOn(m -> m.contains(token)).singleElement()
                .satisfies(m -> assertThat(m).contains("\r\n.dot-stuffed line\r\n"));
    }

    @Test
    void vrfyAndExpnDoNotEnumerateUsers() throws Exception {
        try (RawSmtpClient smtp = mx()) {
            assertThat(smtp.command("VRFY dave")).startsWith("252 ");
            assertThat(smtp.command("VRFY nobody")).startsWith("252 ");
            assertThat(smtp.command("EXPN staff")).startsWith("502 ");
        }
    }

    @Test
    void authIsNeitherOfferedNorAcceptedBeforeTls() throws Exception {
        try (RawSmtpClient smtp = new RawSmtpClient(server.port("submission"))) {
            smtp.reply();
            assertThat(smtp.command("EHLO client.example.test")).contains("STARTTLS").doesNotContain("AUTH");
            assertThat(smtp.command("AUTH PLAIN AGRhdmVAZXhhbXBsZS50ZXN0AGRhdmUncyBwYXNzd29yZA==")).startsWith("538 5.7.11");
            assertThat(smtp.command("MAIL FROM:<dave@example.test>")).startsWith("530 5.7.0");
        }
    }

    @Test
    void aSessionThatKeepsErringIsDropped() throws Exception {
        try (RawSmtpClient smtp = mx()) {
            String reply = "";
            for (int i = 0; i < 20 && !reply.startsWith("421"); i++) {
                reply = smtp.command("BOGUS " + i);
            }
            assertThat(reply).startsWith("421 4.7.0");
            assertThat(smtp.closedByServer()).isTrue();
        }
    }
}
