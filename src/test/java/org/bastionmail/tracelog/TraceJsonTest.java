package org.bastionmail.tracelog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TraceJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);

    private List<TraceEvent> recordedTransaction() throws Exception {
        List<TraceEvent> events = new ArrayList<>();
        ConnectionTrace connection = new ConnectionTrace("S1", InetAddress.getByName("192.0.2.7"), 40123, "smtp", clock,
                events::add);
        connection.helo("mx.example.test");
        connection.tls("TLSv1.3", "TLS_AES_128_GCM_SHA256");
        TransactionTrace tx = connection.transaction();
        tx.mailFrom("a@example.test");
        tx.recipient("<b@example.test>", "250 2.1.5 Recipient OK");
        tx.recipient("<nobody@example.test>", "550 5.1.1 No such user");
        tx.messageId("<m1@example.test>");
        tx.size(1234);
        tx.check("spf", "pass", "example.test");
        tx.check("rspamd", "ham");
        tx.clientName("mx.example.test");
        tx.queued("0abcdefghjkmnpqr", false);
        tx.reply("250 2.0.0 OK queued as 0abcdefghjkmnpqr");
        tx.finish();
        tx.finish(); // once only
        connection.end("quit");
        connection.end("closed");
        return events;
    }

    @Test
    void transactionAndConnectionLinesParseBackWithEveryField() throws Exception {
        List<TraceEvent> events = recordedTransaction();
        assertThat(events).hasSize(2);

        JsonNode tx = JSON.readTree(TraceJson.line(events.get(0)));
        assertThat(tx.get("type").asText()).isEqualTo("transaction");
        assertThat(tx.get("ts").asText()).isEqualTo("2026-11-27T10:00:00Z");
        assertThat(tx.get("session").asText()).isEqualTo("S1");
        assertThat(tx.get("client").asText()).isEqualTo("192.0.2.7");
        assertThat(tx.get("helo").asText()).isEqualTo("mx.example.test");
        assertThat(tx.get("tls").get("protocol").asText()).isEqualTo("TLSv1.3");
        assertThat(tx.has("user")).isFalse();
        assertThat(tx.get("mail_from").asText()).isEqualTo("a@example.test");
        assertThat(tx.get("rcpt")).hasSize(2);
        assertThat(tx.get("rcpt").get(1).get("reply").asText()).isEqualTo("550 5.1.1 No such user");
        assertThat(tx.get("message_id").asText()).isEqualTo("<m1@example.test>");
        assertThat(tx.get("size").asLong()).isEqualTo(1234);
        assertThat(tx.get("checks").get(0).get("name").asText()).isEqualTo("spf");
        assertThat(tx.get("checks").get(0).get("detail").asText()).isEqualTo("example.test");
        assertThat(tx.get("checks").get(1).has("detail")).isFalse();
        assertThat(tx.get("checks").get(1).has("refused")).isFalse();
        assertThat(tx.get("queue_id").asText()).isEqualTo("0abcdefghjkmnpqr");
        assertThat(tx.get("reply").asText()).startsWith("250 2.0.0");
        assertThat(tx.get("result").asText()).isEqualTo("accepted");
        assertThat(tx.get("reason").asText()).isEqualTo("inbox");

        JsonNode c = JSON.readTree(TraceJson.line(events.get(1)));
        assertThat(c.get("type").asText()).isEqualTo("connection");
        assertThat(c.get("port").asInt()).isEqualTo(40123);
        assertThat(c.get("rdns").asText()).isEqualTo("mx.example.test");
        assertThat(c.get("listener").asText()).isEqualTo("smtp");
        assertThat(c.get("transactions").asInt()).isEqualTo(1);
        assertThat(c.get("end").asText()).isEqualTo("quit");
        assertThat(c.get("tls").get("cipher").asText()).isEqualTo("TLS_AES_128_GCM_SHA256");
    }

    @Test
    void theFirstRefusingCheckNamesTheRefusal() {
        List<TraceEvent> events = new ArrayList<>();
        TransactionTrace tx = new ConnectionTrace("S", InetAddress.getLoopbackAddress(), 1, "smtp", clock, events::add)
                .transaction();
        tx.check("spf", "fail", "example.test");
        tx.refuse("antivirus", "infected", "Eicar-Test-Signature");
        tx.refuse("rspamd", "reject", "score 20");
        tx.refusedFor("checks"); // SMTP's own reason does not override the check's
        tx.reply("554 5.7.1 Message contains a virus");
        tx.finish();
        TraceEvent.Transaction t = (TraceEvent.Transaction) events.getFirst();
        assertThat(t.result()).isEqualTo("refused");
        assertThat(t.reason()).isEqualTo("antivirus");
        assertThat(t.checks()).filteredOn(TraceEvent.Check::refused).hasSize(2);
    }

    @Test
    void aTransactionWithoutFinalReplyIsAbandoned() {
        List<TraceEvent> events = new ArrayList<>();
        TransactionTrace tx = new ConnectionTrace("S", InetAddress.getLoopbackAddress(), 1, "smtp", clock, events::add)
                .transaction();
        tx.recipient("<x@example.test>", "550 5.1.1 No such user");
        tx.finish();
        assertThat(((TraceEvent.Transaction) events.getFirst()).result()).isEqualTo("abandoned");
    }

    @Test
    void hostileValuesAreEscapedAndStayOnOneLine() throws Exception {
        String hostile = "evil\r\n{\"type\":\"delivery\"}\u0000\u001b[2J\u0085\u2028\u202e\"\\ end";
        TraceEvent.Delivery event = new TraceEvent.Delivery(Instant.EPOCH, "q", hostile, "remote", "bounced",
                Optional.of(hostile), hostile, 1, Duration.ofSeconds(3));
        String line = TraceJson.line(event);
        assertThat(line).doesNotContain("\r").doesNotContain("\n").doesNotContain("\u001b").doesNotContain("\u0085")
                .doesNotContain("\u2028").doesNotContain("\u202e").doesNotContain("\u0000");
        assertThat(line).contains("\\u202e").contains("\\r\\n");
        JsonNode parsed = JSON.readTree(line);
        assertThat(parsed.get("type").asText()).isEqualTo("delivery");
        assertThat(parsed.get("recipient").asText()).isEqualTo(hostile);
        assertThat(parsed.get("reply").asText()).isEqualTo(hostile);
        assertThat(parsed.get("latency_ms").asLong()).isEqualTo(3000);
    }

    @Test
    void hugeValuesAreCutAndLoneSurrogatesReplaced() throws Exception {
        String huge = "x".repeat(TraceJson.MAX_VALUE - 1) + "\uD83D\uDE00" + "y".repeat(100_000);
        TraceEvent.Delivery event = new TraceEvent.Delivery(Instant.EPOCH, "q", huge, "local", "delivered",
                Optional.empty(), "bad \uD800 surrogate", 1, Duration.ZERO);
        JsonNode parsed = JSON.readTree(TraceJson.line(event));
        String recipient = parsed.get("recipient").asText();
        assertThat(recipient).endsWith(TraceJson.CUT).hasSizeLessThan(TraceJson.MAX_VALUE + TraceJson.CUT.length() + 1);
        assertThat(recipient).doesNotContain("y");
        assertThat(parsed.get("reply").asText()).isEqualTo("bad \uFFFD surrogate");
        assertThat(parsed.has("remote_host")).isFalse();
    }

    @Test
    void tooManyChecksAreBounded() {
        TransactionTrace tx = TransactionTrace.detached();
        for (int i = 0; i < 1000; i++) {
            tx.check("c" + i, "x");
        }
        assertThat(tx.checks()).hasSize(ConnectionTrace.MAX_CHECKS);
    }
}
