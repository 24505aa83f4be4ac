package org.bastionmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.bastionmail.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DATA and BDAT over a real session: smuggling variants, limits, chunking. */
class DataSessionTest {

    private static SessionHarness inData(SessionHarness h) throws Exception {
        h.greetingAndEhlo();
        h.command("MAIL FROM:<a@remote.example>");
        h.command("RCPT TO:<alice@example.test>");
        assertThat(h.command("DATA")).startsWith("354");
        return h;
    }

    /**
     * Each variant contains a fake end of data followed by a smuggled command; none may end the data,
     * and the message is refused after the real end.
     */
    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\r.\r", "\r\n.\n", "\n.\r\n", "\r.\r\n", "\n.\r", ".\n", "\r\n.\r"})
    void smuggling_variants_never_end_data(String fakeEnd) throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            inData(h);
            h.send("Subject: x\r\n\r\nhello" + fakeEnd + "MAIL FROM:<evil@remote.example>\r\n"
                    + "RCPT TO:<bob@example.test>\r\nDATA\r\nsmuggled\r\n.\r\n");
            assertThat(h.reply()).isEqualTo("554 5.6.0 Bare CR or LF not allowed, lines end in CRLF");
            assertThat(h.command("NOOP")).isEqualTo("250 2.0.0 OK");
            assertThat(h.queue.committed).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"line\nline\r\n", "line\rline\r\n", "line\r\r\n", "header\n", "x\0y\r\n"})
    void bare_cr_lf_or_nul_anywhere_rejects(String body) throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            inData(h);
            String reply = h.command("Subject: x\r\n\r\n" + body + "\r\n.");
            assertThat(reply).startsWith("554 5.6.0");
            assertThat(h.queue.committed).isEmpty();
        }
    }

    @Test
    void bare_lf_in_header_rejects() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            inData(h);
            assertThat(h.command("Subject: x\nFrom: y\r\n\r\nbody\r\n.")).startsWith("554 5.6.0");
        }
    }

    @Test
    void dot_unstuffing_and_empty_message() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            inData(h);
            assertThat(h.command("Subject: x\r\n\r\n...\r\n.x\r\n.")).startsWith("250");
            assertThat(h.queue.committed.getFirst().text()).endsWith("Subject: x\r\n\r\n..\r\nx\r\n");
            h.command("MAIL FROM:<a@remote.example>");
            h.command("RCPT TO:<alice@example.test>");
            h.command("DATA");
            assertThat(h.command(".")).startsWith("250");
        }
    }

    private static Config.Limits small() {
        Config.Limits d = Config.Limits.defaults();
        return new Config.Limits(2000, d.recipients(), 512, 100, 300, d.errors(), d.idleTimeout(),
                d.sessionTimeout(), d.mailboxQuota());
    }

    @Test
    void message_size_limit_reads_to_the_end_then_552() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX, small(), false)) {
            inData(h);
            String reply = h.command("Subject: x\r\n\r\n" + "0123456789012345678901234567890123456789\r\n".repeat(100) + ".");
            assertThat(reply).isEqualTo("552 5.3.4 Message too big");
            assertThat(h.command("NOOP")).startsWith("250");
            assertThat(h.queue.committed).isEmpty();
        }
    }

    @Test
    void line_length_and_header_size_limits() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX, small(), false)) {
            inData(h);
            assertThat(h.command("Subject: x\r\n\r\n" + "x".repeat(150) + "\r\n.")).isEqualTo("552 5.3.4 Line too long");
            h.command("MAIL FROM:<a@remote.example>");
            h.command("RCPT TO:<alice@example.test>");
            h.command("DATA");
            assertThat(h.command("X-A: 1\r\n".repeat(60) + "\r\nbody\r\n.")).isEqualTo("552 5.3.4 Header section too big");
            assertThat(h.queue.committed).isEmpty();
        }
    }

    @Test
    void mail_size_parameter_over_limit() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX, small(), false)) {
            h.greetingAndEhlo();
            assertThat(h.command("MAIL FROM:<a@remote.example> SIZE=2001")).isEqualTo("552 5.3.4 Message too big");
            assertThat(h.command("MAIL FROM:<a@remote.example> SIZE=2000")).startsWith("250");
        }
    }

    @Test
    void bdat_chunks_make_one_message() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            h.command("MAIL FROM:<a@remote.example>");
            h.command("RCPT TO:<alice@example.test>");
            String part1 = "Subject: chunked\r\n\r\n.not stuffed\r\n";
            h.send("BDAT " + part1.length() + "\r\n" + part1);
            assertThat(h.reply()).isEqualTo("250 2.0.0 " + part1.length() + " octets received");
            String part2 = "QUIT\r\n";
            h.send("BDAT " + part2.length() + " LAST\r\n" + part2);
            assertThat(h.reply()).startsWith("250 2.0.0 OK queued as Q1");
            assertThat(h.onlyMessage().text()).endsWith("Subject: chunked\r\n\r\n.not stuffed\r\nQUIT\r\n");
            assertThat(h.command("NOOP")).startsWith("250");
        }
    }

    @Test
    void bdat_zero_last_and_pipelined() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            String text = "Subject: a\r\n\r\nb\r\n";
            h.send("MAIL FROM:<a@remote.example>\r\nRCPT TO:<alice@example.test>\r\nBDAT " + text.length() + "\r\n"
                    + text + "BDAT 0 LAST\r\n");
            assertThat(h.reply()).startsWith("250 2.1.0");
            assertThat(h.reply()).startsWith("250 2.1.5");
            assertThat(h.reply()).contains("octets received");
            assertThat(h.reply()).startsWith("250 2.0.0 OK queued");
            assertThat(h.onlyMessage().text()).endsWith(text);
        }
    }

    @Test
    void bdat_errors_keep_in_sync() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            // No transaction: the 10 bytes are read and thrown away, not taken as commands.
            h.send("BDAT 10\r\nRSET\r\nQUIT");
            assertThat(h.reply()).isEqualTo("503 5.5.1 Send MAIL first");
            h.command("MAIL FROM:<a@remote.example>");
            h.send("BDAT 6 LAST\r\nNOOP\r\n");
            assertThat(h.reply()).isEqualTo("503 5.5.1 Send RCPT first");
            h.command("RCPT TO:<alice@example.test>");
            h.send("BDAT 6\r\nabcd\r\n");
            assertThat(h.reply()).contains("octets received");
            assertThat(h.command("DATA")).isEqualTo("503 5.5.1 Bad sequence of commands");
            assertThat(h.command("RCPT TO:<bob@example.test>")).isEqualTo("503 5.5.1 Bad sequence of commands");
            // Bare LF in a chunk: refused after that chunk, and the transaction is over.
            h.send("BDAT 4\r\nx\ny\n");
            assertThat(h.reply()).startsWith("554 5.6.0");
            h.send("BDAT 5 LAST\r\nRSET\r\n");
            assertThat(h.reply()).isEqualTo("503 5.5.1 Send MAIL first");
            assertThat(h.queue.committed).isEmpty();
            assertThat(h.queue.closedWithoutCommit.get()).isEqualTo(1);
        }
    }

    @Test
    void bdat_bare_cr_across_chunks_is_rejected_at_last() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            h.command("MAIL FROM:<a@remote.example>");
            h.command("RCPT TO:<alice@example.test>");
            h.send("BDAT 10\r\nSubject: \r");
            assertThat(h.reply()).contains("octets received");
            h.send("BDAT 3 LAST\r\nx\r\n");
            assertThat(h.reply()).startsWith("554 5.6.0");
        }
    }

    @Test
    void bdat_over_size_limit() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX, small(), false)) {
            h.greetingAndEhlo();
            h.command("MAIL FROM:<a@remote.example>");
            h.command("RCPT TO:<alice@example.test>");
            h.send("BDAT 14\r\nSubject: x\r\n\r\n");
            assertThat(h.reply()).contains("octets received");
            String chunk = "x".repeat(98) + "\r\n";
            for (int i = 0; i < 19; i++) {
                h.send("BDAT 100\r\n" + chunk);
                assertThat(h.reply()).contains("octets received");
            }
            h.send("BDAT 100 LAST\r\n" + chunk);
            assertThat(h.reply()).isEqualTo("552 5.3.4 Message too big");
            // A chunk alone bigger than the limit is not read: the connection is closed.
            h.command("MAIL FROM:<a@remote.example>");
            h.command("RCPT TO:<alice@example.test>");
            assertThat(h.command("BDAT 5000")).isEqualTo("552 5.3.4 Message too big");
            assertThat(h.closedByServer()).isTrue();
        }
    }
}
