package org.bastionmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.bastionmail.tracelog.ConnectionTrace;
import org.bastionmail.tracelog.TraceEvent;
import org.bastionmail.tracelog.TransactionLog;
import org.bastionmail.tracelog.TransactionTrace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bastion trace} over log files written by the real writer, rotated ones included. */
class TraceCommandTest {
    @TempDir
    Path dir;
    private Path config;
    private final PrintStream stdout = System.out;
    private final PrintStream stderr = System.err;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        config = dir.resolve("bastion.toml");
        // A tiny max_size: the reception and the deliveries end up in different (rotated) files.
        Files.writeString(config, "hostname = \"mx.example.test\"\ndata_dir = \"data\"\ndomains = [\"example.test\"]\n"
                + "[log]\nrotate = \"size\"\nmax_size = 65536\nkeep = 50\n");
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        TransactionLog log = TransactionLog.start(new TransactionLog.Settings(
                dir.resolve("data").resolve("log").resolve("transactions.jsonl"), false, 65_536, 50, 100_000),
                Clock.systemUTC(), () -> { });
        ConnectionTrace connection = new ConnectionTrace("SESSION1", InetAddress.getByName("192.0.2.9"), 51000, "smtp",
                Clock.systemUTC(), log);
        connection.helo("client.example.test");
        connection.tls("TLSv1.3", "TLS_AES_256_GCM_SHA384");
        TransactionTrace tx = connection.transaction();
        tx.mailFrom("a@elsewhere.test");
        tx.recipient("<dave@example.test>", "250 2.1.5 Recipient OK");
        tx.messageId("<abc.123@elsewhere.test>");
        tx.size(321);
        tx.check("spf", "pass", "elsewhere.test");
        tx.check("antivirus", "clean", "");
        tx.queued("0000000000aaaaaa", false);
        tx.reply("250 2.0.0 OK queued as 0000000000aaaaaa");
        tx.finish();
        connection.end("quit");
        // Noise from other messages, enough to rotate several times.
        for (int i = 0; i < 400; i++) {
            log.record(new TraceEvent.Delivery(Instant.now(), "1111111111bbbbbb", "other@example.test", "local",
                    "deferred", Optional.empty(), "4.2.2 mailbox full \u001b[31m " + "z".repeat(600), i + 1,
                    Duration.ofSeconds(i)));
        }
        log.record(new TraceEvent.Delivery(Instant.now(), "0000000000aaaaaa", "dave@example.test", "local", "deferred",
                Optional.empty(), "4.2.2 mailbox full", 1, Duration.ofSeconds(1)));
        log.record(new TraceEvent.Delivery(Instant.now(), "0000000000aaaaaa", "dave@example.test", "local", "delivered",
                Optional.empty(), "2.0.0 delivered to dave@example.test", 2, Duration.ofSeconds(60)));
        log.close();
        // A half-written line at the end, as while the server writes, and a foreign line.
        Files.writeString(dir.resolve("data/log/transactions.jsonl"), "not json\n{\"type\":\"transac",
                java.nio.file.StandardOpenOption.APPEND);
    }

    @AfterEach
    void restore() {
        System.setOut(stdout);
        System.setErr(stderr);
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args);
    }

    @Test
    void theStoryOfAMessageByMessageIdSpansRotatedFiles() throws Exception {
        assertThat(Files.list(dir.resolve("data/log")).count()).isGreaterThan(2);
        assertThat(run("trace", "abc.123@elsewhere.test", "--config", config.toString())).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("connection SESSION1 from 192.0.2.9:51000 on smtp, TLSv1.3 TLS_AES_256_GCM_SHA384")
                .contains("reception from 192.0.2.9 (helo client.example.test)")
                .contains("mail from <a@elsewhere.test>")
                .contains("rcpt to <dave@example.test>: 250 2.1.5 Recipient OK")
                .contains("message-id <abc.123@elsewhere.test>, 321 bytes")
                .contains("check spf: pass (elsewhere.test)")
                .contains("=> accepted (inbox)")
                .contains("queued as 0000000000aaaaaa")
                .contains("delivery attempt 1 (local) to dave@example.test: deferred")
                .contains("delivery attempt 2 (local) to dave@example.test: delivered")
                .contains("dave@example.test: delivered (2.0.0 delivered to dave@example.test)")
                .doesNotContain("other@example.test");
        assertThat(text.indexOf("reception")).isLessThan(text.indexOf("delivery attempt 1"));
        assertThat(text.indexOf("delivery attempt 1")).isLessThan(text.indexOf("delivery attempt 2"));
    }

    @Test
    void byQueueIdWithBracketsOrJson() throws Exception {
        assertThat(run("trace", "<abc.123@elsewhere.test>", "--json", "--config", config.toString())).isZero();
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(4);
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(lines[0]).get("type").asText()).isEqualTo("connection");
        assertThat(json.readTree(lines[1]).get("type").asText()).isEqualTo("transaction");
        assertThat(json.readTree(lines[3]).get("result").asText()).isEqualTo("delivered");

        assertThat(run("trace", "0000000000aaaaaa", "--config", config.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("message-id <abc.123@elsewhere.test>");
    }

    @Test
    void controlCharactersFromTheLogDoNotReachTheTerminal() {
        assertThat(run("trace", "1111111111bbbbbb", "--config", config.toString())).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("mailbox full \\u001b[31m").doesNotContain("\u001b");
        assertThat(text).contains("outcome:").contains("other@example.test: deferred");
    }

    @Test
    void anUnknownIdSaysSo() {
        assertThat(run("trace", "<nothing@nowhere>", "--config", config.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("nothing about <nothing@nowhere>");
    }
}
