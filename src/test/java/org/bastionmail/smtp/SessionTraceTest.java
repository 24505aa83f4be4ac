package org.bastionmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.bastionmail.tracelog.TraceEvent;
import org.junit.jupiter.api.Test;

/** What a session writes to the transaction log: one line per transaction, one per connection. */
class SessionTraceTest {

    private static List<TraceEvent.Transaction> transactions(SessionHarness h) {
        return h.traced.stream().filter(e -> e instanceof TraceEvent.Transaction)
                .map(e -> (TraceEvent.Transaction) e).toList();
    }

    @Test
    void everyRcptItsReplyTheChecksAndTheRefusalAreLogged() throws Exception {
        MessageHooks refusing = new MessageHooks() {
            @Override
            public byte[] filterHeader(java.util.Optional<String> account, byte[] headerFields) {
                return headerFields;
            }

            @Override
            public HookVerdict afterData(ReceivedMessage message) {
                message.trace().check("spf", "fail", "remote.example");
                message.trace().refuse("rspamd", "reject", "score 20.5");
                return new HookVerdict.Refuse(550, "5.7.1", "Spam");
            }
        };
        try (SessionHarness h = new SessionHarness(SmtpMode.MX, refusing)) {
            h.greetingAndEhlo();
            h.command("MAIL FROM:<a@remote.example>");
            assertThat(h.command("RCPT TO:<ghost@example.test>")).startsWith("550");
            assertThat(h.command("RCPT TO:<alice@example.test>")).startsWith("250");
            h.command("DATA");
            assertThat(h.command("Message-ID: <x1@remote.example>\r\nSubject: hi\r\n\r\nbody\r\n.")).startsWith("550 5.7.1");
            h.command("MAIL FROM:<>");
            h.command("RSET");
            h.command("QUIT");
            await().atMost(Duration.ofSeconds(5)).until(() -> h.traced.stream().anyMatch(e -> e instanceof TraceEvent.Connection));

            List<TraceEvent.Transaction> txs = transactions(h);
            assertThat(txs).hasSize(2);
            TraceEvent.Transaction refused = txs.getFirst();
            assertThat(refused.mailFrom()).isEqualTo("a@remote.example");
            assertThat(refused.helo()).isNotEmpty();
            assertThat(refused.recipients()).extracting(TraceEvent.Recipient::reply)
                    .satisfiesExactly(r -> assertThat(r).startsWith("550 5.1.1"), r -> assertThat(r).startsWith("250 2.1.5"));
            assertThat(refused.messageId()).contains("<x1@remote.example>");
            assertThat(refused.size()).isPositive();
            assertThat(refused.checks()).extracting(TraceEvent.Check::name).containsExactly("spf", "rspamd");
            assertThat(refused.reply()).contains("550 5.7.1 Spam");
            assertThat(refused.result()).isEqualTo("refused");
            assertThat(refused.reason()).isEqualTo("rspamd");
            assertThat(refused.queueId()).isEmpty();

            TraceEvent.Transaction abandoned = txs.get(1);
            assertThat(abandoned.mailFrom()).isEmpty();
            assertThat(abandoned.result()).isEqualTo("abandoned");

            TraceEvent.Connection connection = (TraceEvent.Connection) h.traced.getLast();
            assertThat(connection.end()).isEqualTo("quit");
            assertThat(connection.transactions()).isEqualTo(2);
            assertThat(connection.listener()).isEqualTo("smtp");
            assertThat(connection.tls()).isEmpty();
            assertThat(connection.session()).isEqualTo(refused.session());
        }
    }

    @Test
    void anAcceptedSubmissionNamesItsQueueIdUserAndTlsButNeverThePassword() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.SUBMISSION)) {
            h.loginAsAlice(true);
            h.command("MAIL FROM:<alice@example.test>");
            h.command("RCPT TO:<bob@elsewhere.example>");
            h.command("DATA");
            assertThat(h.command("From: alice@example.test\r\nSubject: hi\r\n\r\nbody\r\n.")).startsWith("250");
            h.command("QUIT");
            await().atMost(Duration.ofSeconds(5)).until(() -> h.traced.stream().anyMatch(e -> e instanceof TraceEvent.Connection));
            TraceEvent.Transaction tx = transactions(h).getFirst();
            assertThat(tx.result()).isEqualTo("accepted");
            assertThat(tx.queueId()).isPresent();
            assertThat(tx.reply().orElseThrow()).contains(tx.queueId().get());
            assertThat(tx.user()).isPresent();
            assertThat(tx.tls()).isPresent();
            assertThat(tx.messageId()).hasValueSatisfying(id -> assertThat(id).startsWith("<").endsWith("@mx.example.test>"));
            TraceEvent.Connection connection = (TraceEvent.Connection) h.traced.getLast();
            assertThat(connection.user()).isEqualTo(tx.user());
            assertThat(connection.tls().orElseThrow().protocol()).startsWith("TLS");
            String all = h.traced.stream().map(org.bastionmail.tracelog.TraceJson::line).reduce("", String::concat);
            assertThat(all).doesNotContain("secret").doesNotContain(SessionHarness.plain("alice@example.test", "secret"));
        }
    }
}
