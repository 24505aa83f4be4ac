package org.bastionmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.bastionmail.config.Config;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MxSessionTest {

    @Test
    void banner_and_ehlo_advertise_extensions_without_software_name() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            String ehlo = h.greetingAndEhlo();
            assertThat(ehlo).startsWith("250-mx.example.test\n").endsWith("\n250 STARTTLS")
                    .contains("250-PIPELINING", "250-SIZE 26214400", "250-8BITMIME", "250-ENHANCEDSTATUSCODES",
                            "250-SMTPUTF8", "250-CHUNKING", "250-DSN")
                    .doesNotContain("AUTH"); // not before TLS
            assertThat(h.command("HELO other.example")).isEqualTo("250 mx.example.test");
            assertThat(h.command("QUIT")).isEqualTo("221 2.0.0 Bye");
            assertThat(h.closedByServer()).isTrue();
        }
    }

    @Test
    void delivers_a_message_and_fills_the_envelope() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            assertThat(h.command("MAIL FROM:<sender@remote.example> BODY=8BITMIME RET=HDRS ENVID=abc+2Bdef SIZE=100"))
                    .isEqualTo("250 2.1.0 Sender OK");
            assertThat(h.command("RCPT TO:<Alice@Example.Test> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;alice+40example.test"))
                    .isEqualTo("250 2.1.5 Recipient OK");
            assertThat(h.command("RCPT TO:<bob@example.test>")).startsWith("250 2.1.5");
            assertThat(h.command("DATA")).startsWith("354 ");
            assertThat(h.command("Subject: hi\r\n\r\n..dot\r\nbody\r\n.")).isEqualTo("250 2.0.0 OK queued as Q1");
            FakeQueue.Committed m = h.onlyMessage();
            assertThat(m.text()).endsWith("Subject: hi\r\n\r\n.dot\r\nbody\r\n");
            Envelope e = m.envelope();
            assertThat(e.sender()).contains(new MailAddress("sender", "remote.example"));
            assertThat(e.recipients()).containsExactly(
                    new Envelope.Recipient(new MailAddress("Alice", "example.test"),
                            Set.of(Envelope.Notify.SUCCESS, Envelope.Notify.DELAY), Optional.of("rfc822;alice@example.test")),
                    Envelope.Recipient.of(new MailAddress("bob", "example.test")));
            assertThat(e.body()).isEqualTo(Envelope.BodyType.EIGHT_BIT_MIME);
            assertThat(e.ret()).contains(Envelope.Ret.HDRS);
            assertThat(e.envId()).contains("abc+def");
            assertThat(e.clientAddress()).isEqualTo("127.0.0.1");
            assertThat(e.clientHelo()).isEqualTo("client.example");
            assertThat(e.authenticatedAccount()).isEmpty();
            assertThat(e.receivedAt()).isEqualTo(h.clock.instant());
        }
    }

    @Test
    void received_header_is_prepended() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            h.command("MAIL FROM:<>");
            h.command("RCPT TO:<alice@example.test>");
            h.command("DATA");
            assertThat(h.command("Subject: x\r\n\r\nhello\r\n.")).isEqualTo("250 2.0.0 OK queued as Q1");
            String text = h.onlyMessage().text();
            assertThat(text).startsWith("Received: from client.example ([127.0.0.1])\r\n\tby mx.example.test with ESMTP\r\n\tid Q1\r\n");
            assertThat(text).contains("\r\n\tfor <alice@example.test>; Tue, 3 Jun 2025 10:00:00 +0000\r\nSubject: x\r\n");
            assertThat(h.onlyMessage().envelope().sender()).isEmpty();
        }
    }

    @Test
    void sequence_errors() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.reply();
            assertThat(h.command("MAIL FROM:<a@remote.example>")).isEqualTo("503 5.5.1 Send EHLO first");
            h.command("EHLO c.example");
            assertThat(h.command("RCPT TO:<alice@example.test>")).isEqualTo("503 5.5.1 Send MAIL first");
            assertThat(h.command("DATA")).isEqualTo("503 5.5.1 Send MAIL first");
            assertThat(h.command("MAIL FROM:<a@remote.example>")).startsWith("250");
            assertThat(h.command("MAIL FROM:<a@remote.example>")).isEqualTo("503 5.5.1 Transaction already in progress");
            assertThat(h.command("DATA")).isEqualTo("503 5.5.1 Send RCPT first");
            assertThat(h.command("AUTH PLAIN")).startsWith("503 5.5.1");
            assertThat(h.command("RSET")).isEqualTo("250 2.0.0 OK");
            assertThat(h.command("RCPT TO:<alice@example.test>")).startsWith("503 5.5.1");
        }
    }

    @Test
    void simple_commands() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            assertThat(h.command("NOOP")).isEqualTo("250 2.0.0 OK");
            assertThat(h.command("noop anything")).isEqualTo("250 2.0.0 OK");
            assertThat(h.command("VRFY alice")).startsWith("252 2.5.0");
            assertThat(h.command("VRFY nobody")).startsWith("252 2.5.0");
            assertThat(h.command("EXPN staff")).startsWith("502 5.5.1");
            assertThat(h.command("HELP")).startsWith("214 ");
            assertThat(h.command("FOO")).isEqualTo("500 5.5.2 Command unrecognized");
            assertThat(h.command("")).startsWith("500 5.5.2");
            assertThat(h.command("DATA now")).startsWith("501 5.5.4");
            assertThat(h.command("HELO")).startsWith("501 5.5.4");
            assertThat(h.command("EHLO bad(domain)")).startsWith("501 5.5.4");
            assertThat(h.command("MAIL FROM:a@b.example")).startsWith("501 5.5.4");
        }
    }

    @Test
    void syntax_and_parameter_errors() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            assertThat(h.command("MAIL FROM:<a@b.example> FOO=bar")).startsWith("555 5.5.4");
            assertThat(h.command("MAIL FROM:<a@b.example> SIZE=abc")).startsWith("501 5.5.4");
            assertThat(h.command("MAIL FROM:<a@b.example> SIZE=1 SIZE=2")).startsWith("501 5.5.4");
            assertThat(h.command("MAIL FROM:<a@b.example> ENVID=bad+zz")).startsWith("501 5.5.4");
            assertThat(h.command("MAIL FROM:<a@@b.example>")).startsWith("501 5.1.7");
            assertThat(h.command("MAIL FROM:<a@b.example> SIZE=26214401")).startsWith("552 5.3.4");
            assertThat(h.command("MAIL FROM:<jörg@b.example>")).startsWith("553 5.6.7");
            assertThat(h.command("MAIL FROM:<jörg@b.example> SMTPUTF8")).startsWith("250");
            assertThat(h.command("RCPT TO:<alice@example.test> NOTIFY=NEVER,SUCCESS")).startsWith("501 5.5.4");
            assertThat(h.command("RCPT TO:<alice@example.test> BOGUS")).startsWith("555 5.5.4");
            assertThat(h.command("RCPT TO:<>")).startsWith("501 5.1.3");
        }
    }

    @Test
    void params_after_helo_are_refused() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.reply();
            h.command("HELO c.example");
            assertThat(h.command("MAIL FROM:<a@b.example> SIZE=10")).startsWith("555 5.5.4");
            assertThat(h.command("MAIL FROM:<a@b.example>")).startsWith("250");
        }
    }

    @Test
    void relay_is_denied_and_unknown_users_refused() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            h.command("MAIL FROM:<a@remote.example>");
            assertThat(h.command("RCPT TO:<victim@elsewhere.example>")).isEqualTo("554 5.7.1 Relay access denied");
            assertThat(h.command("RCPT TO:<nobody@example.test>")).isEqualTo("550 5.1.1 No such user here");
            assertThat(h.command("RCPT TO:<postmaster@example.test>")).startsWith("250 2.1.5");
            assertThat(h.command("RCPT TO:<Postmaster>")).startsWith("250 2.1.5");
            h.command("DATA");
            h.command("Subject: x\r\n\r\n.");
            assertThat(h.onlyMessage().envelope().recipients()).extracting(Envelope.Recipient::address)
                    .containsExactly(new MailAddress("postmaster", "example.test"),
                            new MailAddress("postmaster", "example.test"));
        }
    }

    @Test
    void a_configured_relay_network_may_relay_without_auth() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            h.command("MAIL FROM:<app@internal.example>");
            assertThat(h.command("RCPT TO:<someone@elsewhere.example>")).isEqualTo("554 5.7.1 Relay access denied");
            h.relayClients.add(java.net.InetAddress.getLoopbackAddress());
            assertThat(h.command("RCPT TO:<someone@elsewhere.example>")).startsWith("250 2.1.5");
            // relay syntax stays refused, whoever asks
            assertThat(h.command("RCPT TO:<x%elsewhere.example@example.test>")).startsWith("553 5.7.1");
        }
    }

    @Test
    void a_full_mailbox_is_refused_temporarily_at_rcpt() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.fullMailboxes.add("alice@example.test");
            h.greetingAndEhlo();
            h.command("MAIL FROM:<a@remote.example>");
            assertThat(h.command("RCPT TO:<alice@example.test>")).isEqualTo("452 4.2.2 Mailbox full, try again later");
            assertThat(h.command("RCPT TO:<postmaster@example.test>")).startsWith("250 2.1.5");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<user%elsewhere.example@example.test>",
        "<\"user@elsewhere.example\"@example.test>",
        "<elsewhere.example!user@example.test>",
        "<alice%elsewhere.example@example.test>",
        "<\"alice@elsewhere.example\"@example.test>",
    })
    void relay_syntax_in_local_part_is_refused(String path) throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            h.command("MAIL FROM:<a@remote.example>");
            assertThat(h.command("RCPT TO:" + path)).isEqualTo("553 5.7.1 Relay syntax in local part not allowed");
        }
    }

    @Test
    void other_relay_tricks() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            h.command("MAIL FROM:<a@remote.example>");
            assertThat(h.command("RCPT TO:<user@elsewhere.example@example.test>")).startsWith("501 5.1.3");
            // Source routes are dropped: only the final mailbox counts.
            assertThat(h.command("RCPT TO:<@example.test:victim@elsewhere.example>")).startsWith("554 5.7.1");
            assertThat(h.command("RCPT TO:<@elsewhere.example,@x.example:alice@example.test>")).startsWith("250");
            assertThat(h.command("RCPT TO:<alice@[127.0.0.1]>")).startsWith("553 5.1.3");
            assertThat(h.command("RCPT TO:<alice@example.test.>")).startsWith("501 5.1.3");
            assertThat(h.command("RCPT TO:<alice@example.test >")).startsWith("501 5.1.3");
            h.command("DATA");
            h.command("Subject: x\r\n\r\n.");
            assertThat(h.onlyMessage().envelope().recipients()).extracting(Envelope.Recipient::address)
                    .containsExactly(new MailAddress("alice", "example.test"));
        }
    }

    @Test
    void recipient_limit() throws Exception {
        Config.Limits d = Config.Limits.defaults();
        Config.Limits limits = new Config.Limits(d.messageSize(), 2, d.commandLine(), d.lineLength(),
                d.headerSize(), 20, d.idleTimeout(), d.sessionTimeout(), d.mailboxQuota());
        try (SessionHarness h = new SessionHarness(SmtpMode.MX, limits, false)) {
            h.greetingAndEhlo();
            h.command("MAIL FROM:<a@remote.example>");
            assertThat(h.command("RCPT TO:<alice@example.test>")).startsWith("250");
            assertThat(h.command("RCPT TO:<bob@example.test>")).startsWith("250");
            assertThat(h.command("RCPT TO:<postmaster@example.test>")).isEqualTo("452 4.5.3 Too many recipients");
        }
    }

    @Test
    void pipelined_commands_get_replies_in_order_and_data_after_failed_rcpts_gets_554() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            h.send("MAIL FROM:<a@remote.example>\r\nRCPT TO:<nobody@example.test>\r\n"
                    + "RCPT TO:<x@elsewhere.example>\r\nDATA\r\nRSET\r\n");
            assertThat(h.reply()).startsWith("250 2.1.0");
            assertThat(h.reply()).startsWith("550 5.1.1");
            assertThat(h.reply()).startsWith("554 5.7.1");
            assertThat(h.reply()).isEqualTo("554 5.5.1 No valid recipients");
            assertThat(h.reply()).startsWith("250 2.0.0");
            h.send("MAIL FROM:<a@remote.example>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n");
            assertThat(h.reply()).startsWith("250");
            assertThat(h.reply()).startsWith("250");
            assertThat(h.reply()).startsWith("354");
            h.send("Subject: p\r\n\r\nbody\r\n.\r\nQUIT\r\n");
            assertThat(h.reply()).startsWith("250 2.0.0 OK queued as");
            assertThat(h.reply()).startsWith("221");
        }
    }

    @Test
    void too_many_errors_drop_the_session() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            for (int i = 0; i < Config.Limits.defaults().errors() - 1; i++) {
                assertThat(h.command("BOGUS")).startsWith("500");
            }
            assertThat(h.command("BOGUS")).isEqualTo("500 5.5.2 Command unrecognized");
            assertThat(h.reply()).isEqualTo("421 4.7.0 Too many errors, closing connection");
            assertThat(h.closedByServer()).isTrue();
        }
    }

    @Test
    void commit_failure_gives_451() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.queue.failCommit = true;
            h.greetingAndEhlo();
            h.command("MAIL FROM:<a@remote.example>");
            h.command("RCPT TO:<alice@example.test>");
            h.command("DATA");
            assertThat(h.command("Subject: x\r\n\r\n.")).isEqualTo("451 4.3.0 Local error in processing, try again later");
            assertThat(h.queue.committed).isEmpty();
            assertThat(h.queue.closedWithoutCommit.get()).isEqualTo(1);
            // The session goes on: the transaction is over, a new one can start.
            assertThat(h.command("MAIL FROM:<a@remote.example>")).startsWith("250");
        }
    }

    @Test
    void idle_timeout_sends_421() throws Exception {
        Config.Limits d = Config.Limits.defaults();
        Config.Limits limits = new Config.Limits(d.messageSize(), d.recipients(), d.commandLine(), d.lineLength(),
                d.headerSize(), d.errors(), Duration.ofMillis(200), d.sessionTimeout(), d.mailboxQuota());
        try (SessionHarness h = new SessionHarness(SmtpMode.MX, limits, false)) {
            h.greetingAndEhlo();
            assertThat(h.reply()).isEqualTo("421 4.4.2 Idle timeout, closing connection");
            assertThat(h.closedByServer()).isTrue();
        }
    }

    @Test
    void session_timeout_sends_421() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            h.clock.advance(Duration.ofMinutes(31));
            // The next read finds the deadline passed.
            h.send("NOOP\r\n");
            String reply = h.reply();
            if (reply.startsWith("250")) {
                reply = h.command("NOOP");
            }
            assertThat(reply).isEqualTo("421 4.4.2 Session time limit reached, closing connection");
        }
    }

    @Test
    void long_command_line_is_refused_without_losing_sync() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            assertThat(h.command("NOOP " + "x".repeat(100_000))).isEqualTo("500 5.5.2 Line too long");
            assertThat(h.command("NOOP")).isEqualTo("250 2.0.0 OK");
        }
    }

    @Test
    void bare_newlines_in_commands_are_refused() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            h.send("NOOP\n");
            assertThat(h.reply()).startsWith("500 5.5.2 Bare CR or LF");
            h.send("NO\rOP\r\n");
            assertThat(h.reply()).startsWith("500 5.5.2 Bare CR or LF");
            h.send("NO\0OP\r\n");
            assertThat(h.reply()).startsWith("500 5.5.2");
            h.sendBytes(new byte[] {'N', 'O', 'O', 'P', ' ', (byte) 0xC3, '\r', '\n'});
            assertThat(h.reply()).isEqualTo("500 5.5.2 Invalid UTF-8");
        }
    }
}
