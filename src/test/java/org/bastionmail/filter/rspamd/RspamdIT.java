package org.bastionmail.filter.rspamd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.bastionmail.config.Config;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.filter.RspamdDaemon;
import org.bastionmail.filter.SmtpTalk;
import org.bastionmail.server.RunningServer;
import org.bastionmail.tracelog.TraceMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bastion asking the real rspamd from Debian over {@code /checkv2}, through whole SMTP transactions: spam lands
 * in Junk, clean mail in INBOX, GTUBE is refused.
 */
class RspamdIT {
    private static final String ALICE = "alice@example.test";

    @TempDir
    static Path dir;
    private static TestDnsServer dns;
    private static RspamdDaemon rspamd;
    private static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        dns = RunningServer.startDns();
        rspamd = RspamdDaemon.start(dir.resolve("rspamd"), dns.address());
        Config.Filters filters = new Config.Filters(List.of(), Optional.of(new Config.Filters.Rspamd(
                URI.create("http://127.0.0.1:" + rspamd.normalPort), false, Duration.ofSeconds(30), 1 << 20)));
        server = RunningServer.start(dir.resolve("data"), config -> config.withFilters(filters));
        server.addUser(ALICE, "secret-password-1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (rspamd != null) {
            rspamd.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void spamVerdictLandsInJunkAndCleanMailInInbox() throws Exception {
        String spamToken = UUID.randomUUID().toString();
        String spam = SmtpTalk.message("Offer " + RspamdDaemon.JUNK_MARKER, "spam " + spamToken);
        String spamReply = SmtpTalk.send(server.port("smtp"), "someone@sender.test", ALICE, spam);
        assertThat(spamReply).startsWith("250 ");
        String cleanToken = UUID.randomUUID().toString();
        String clean = SmtpTalk.message("Lunch tomorrow", "Shall we meet at noon? " + cleanToken);
        assertThat(SmtpTalk.send(server.port("smtp"), "someone@sender.test", ALICE, clean)).startsWith("250 ");

        List<String> junk = SmtpTalk.mailbox(server, ALICE, "Junk");
        assertThat(junk).filteredOn(m -> m.contains(spamToken)).singleElement().satisfies(m -> {
            assertThat(m).contains("X-Spam: Yes\r\n").contains("X-Spam-Status: Yes, score=");
        });
        assertThat(junk).noneMatch(m -> m.contains(cleanToken));
        List<String> inbox = SmtpTalk.mailbox(server, ALICE, "INBOX");
        assertThat(inbox).filteredOn(m -> m.contains(cleanToken)).singleElement().satisfies(m -> {
            assertThat(m).contains("X-Spam-Status: No, score=").doesNotContain("X-Spam: Yes");
        });
        assertThat(inbox).noneMatch(m -> m.contains(spamToken));

        // The verdict can be found afterwards: in the transaction log and in the metrics (issue 8).
        String queueId = spamReply.substring(spamReply.lastIndexOf(' ') + 1).strip();
        JsonNode line = transactionLine(queueId);
        assertThat(line.get("checks")).filteredOn(c -> c.get("name").asText().equals("rspamd"))
                .singleElement().satisfies(c -> assertThat(c.get("result").asText()).isEqualTo("junk"));
        assertThat(server.server().metrics().value(TraceMetrics.MESSAGES, "result", "accepted", "reason", "junk"))
                .isGreaterThanOrEqualTo(1);
    }

    /** The transaction log's line for the message queued as {@code queueId}, once the writer has written it. */
    private static JsonNode transactionLine(String queueId) {
        Path log = dir.resolve("data").resolve("log").resolve("transactions.jsonl");
        ObjectMapper json = new ObjectMapper();
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            if (!java.nio.file.Files.exists(log)) {
                return null;
            }
            for (String text : java.nio.file.Files.readAllLines(log)) {
                JsonNode l = json.readTree(text);
                if (l.path("type").asText().equals("transaction") && l.path("queue_id").asText().equals(queueId)) {
                    return l;
                }
            }
            return null;
        }, java.util.Objects::nonNull);
    }

    @Test
    void gtubeIsRefusedPermanently() throws Exception {
        String token = UUID.randomUUID().toString();
        String reply = SmtpTalk.send(server.port("smtp"), "someone@sender.test", ALICE,
                SmtpTalk.message("test " + token, RspamdDaemon.GTUBE));
        assertThat(reply).startsWith("550 5.7.1 ");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                server.server().metrics().value(TraceMetrics.CHECK_REJECTIONS, "check", "rspamd") >= 1);
        assertThat(server.server().metrics().value(TraceMetrics.MESSAGES, "result", "refused", "reason", "rspamd"))
                .isGreaterThanOrEqualTo(1);
        assertThat(SmtpTalk.mailbox(server, ALICE, "INBOX")).noneMatch(m -> m.contains(token));
        assertThat(SmtpTalk.mailbox(server, ALICE, "Junk")).noneMatch(m -> m.contains(token));
    }

    @Test
    void forgedSpamFieldsFromTheSenderAreRemoved() throws Exception {
        String token = UUID.randomUUID().toString();
        String forged = "X-Spam-Status: No, score=-100\r\nX-Spam: No\r\n" + SmtpTalk.message("hello " + token, "hi");
        assertThat(SmtpTalk.send(server.port("smtp"), "someone@sender.test", ALICE, forged)).startsWith("250 ");
        assertThat(SmtpTalk.mailbox(server, ALICE, "INBOX")).filteredOn(m -> m.contains(token)).singleElement()
                .satisfies(m -> assertThat(m).doesNotContain("score=-100").doesNotContain("X-Spam: No"));
    }
}
