package org.bastionmail.filter.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.bastionmail.config.Config;
import org.bastionmail.dns.testserver.TestDnsServer;
import org.bastionmail.filter.Daemons;
import org.bastionmail.filter.RspamdDaemon;
import org.bastionmail.filter.SmtpTalk;
import org.bastionmail.server.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bastion as a milter client of real milters from Debian, through whole SMTP transactions: clamav-milter (over
 * a Unix socket, in front of a private clamd whose only signature is EICAR's) and rspamd's proxy worker in
 * milter mode (over TCP). EICAR and GTUBE are refused; the fields both add to a clean message are stored.
 */
class MilterIT {
    private static final String ALICE = "alice@example.test";
    private static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    @TempDir
    static Path dir;
    private static TestDnsServer dns;
    private static RspamdDaemon rspamd;
    private static Process clamd;
    private static Process clamavMilter;
    private static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        Path clamdBinary = Daemons.tool("clamd", "clamav-daemon");
        Path milterBinary = Daemons.tool("clamav-milter", "clamav-milter");
        Daemons.tool("rspamd", "rspamd");
        startClamd(clamdBinary);
        Path milterSocket = startClamavMilter(milterBinary);
        dns = RunningServer.startDns();
        rspamd = RspamdDaemon.start(dir.resolve("rspamd"), dns.address());
        Config.Filters filters = new Config.Filters(List.of(
                new Config.Filters.Milter("unix:" + milterSocket, false, Duration.ofSeconds(60)),
                new Config.Filters.Milter("inet:127.0.0.1:" + rspamd.proxyPort, false, Duration.ofSeconds(60))),
                Optional.empty());
        server = RunningServer.start(dir.resolve("data"), config -> config.withFilters(filters));
        server.addUser(ALICE, "secret-password-1");
    }

    private static void startClamd(Path binary) throws Exception {
        Path db = Files.createDirectories(dir.resolve("clamd-db"));
        Files.writeString(db.resolve("test.hdb"), "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n");
        Path socket = dir.resolve("clamd.sock");
        Files.writeString(dir.resolve("clamd.conf"), String.join("\n", "Foreground yes", "DatabaseDirectory " + db,
                "LocalSocket " + socket, "LogFile " + dir.resolve("clamd.log"), "PidFile " + dir.resolve("clamd.pid"),
                Daemons.root() ? "User root" : "", ""));
        Path output = dir.resolve("clamd.out");
        clamd = new ProcessBuilder(binary.toString(), "--config-file=" + dir.resolve("clamd.conf"))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        Daemons.await(clamd, () -> Files.exists(socket), 60, output);
    }

    private static Path startClamavMilter(Path binary) throws Exception {
        Path socket = dir.resolve("clamav-milter.sock");
        Files.writeString(dir.resolve("clamav-milter.conf"), String.join("\n",
                "MilterSocket unix:" + socket,
                "ClamdSocket unix:" + dir.resolve("clamd.sock"),
                "Foreground yes",
                "PidFile " + dir.resolve("clamav-milter.pid"),
                "LogFile " + dir.resolve("clamav-milter.log"),
                "TemporaryDirectory " + dir,
                "OnClean Accept",
                "OnInfected Reject",
                "OnFail Defer",
                "AddHeader Replace",
                "ReadTimeout 60",
                Daemons.root() ? "User root" : "",
                ""));
        Path output = dir.resolve("clamav-milter.out");
        clamavMilter = new ProcessBuilder(binary.toString(), "--config-file=" + dir.resolve("clamav-milter.conf"))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        Daemons.await(clamavMilter, () -> Files.exists(socket), 60, output);
        return socket;
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (rspamd != null) {
            rspamd.close();
        }
        Daemons.stop(clamavMilter);
        Daemons.stop(clamd);
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void cleanMessageIsStoredWithTheFieldsTheMiltersAdded() throws Exception {
        String token = UUID.randomUUID().toString();
        String reply = SmtpTalk.send(server.port("smtp"), "someone@sender.test", ALICE,
                SmtpTalk.message("Lunch " + token, "Shall we meet at noon?"));
        assertThat(reply).startsWith("250 ");
        String queueId = reply.substring(reply.lastIndexOf(' ') + 1);
        assertThat(SmtpTalk.mailbox(server, ALICE, "INBOX")).filteredOn(m -> m.contains(token)).singleElement()
                .satisfies(m -> {
                    assertThat(m).contains("X-Virus-Status: Clean");
                    // rspamd learnt the queue id from the milter macro "i"
                    assertThat(m).contains("X-Rspamd-Queue-Id: " + queueId);
                    assertThat(m).contains("X-Spamd-Result: default: False");
                });
    }

    @Test
    void eicarIsRefusedByClamavMilter() throws Exception {
        String token = UUID.randomUUID().toString();
        String message = "From: someone@sender.test\r\nTo: alice@example.test\r\nSubject: " + token + "\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n"
                + "--b1\r\nContent-Type: application/octet-stream; name=eicar.com\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + Base64.getMimeEncoder().encodeToString(EICAR.getBytes())
                + "\r\n--b1--";
        String reply = SmtpTalk.send(server.port("smtp"), "someone@sender.test", ALICE, message);
        assertThat(reply).startsWith("5").contains("5.7.1");
        assertThat(SmtpTalk.mailbox(server, ALICE, "INBOX")).noneMatch(m -> m.contains(token));
    }

    @Test
    void gtubeIsRefusedByRspamdsMilter() throws Exception {
        String token = UUID.randomUUID().toString();
        String reply = SmtpTalk.send(server.port("smtp"), "someone@sender.test", ALICE,
                SmtpTalk.message("test " + token, RspamdDaemon.GTUBE));
        assertThat(reply).startsWith("5").contains("5.7.1");
        assertThat(SmtpTalk.mailbox(server, ALICE, "INBOX")).noneMatch(m -> m.contains(token));
    }

    @Test
    void spamIsMarkedByRspamdsMilter() throws Exception {
        String token = UUID.randomUUID().toString();
        String reply = SmtpTalk.send(server.port("smtp"), "someone@sender.test", ALICE,
                SmtpTalk.message("Offer " + RspamdDaemon.JUNK_MARKER + " " + token, "cheap"));
        assertThat(reply).startsWith("250 ");
        assertThat(SmtpTalk.mailbox(server, ALICE, "INBOX")).filteredOn(m -> m.contains(token)).singleElement()
                .satisfies(m -> assertThat(m).contains("X-Spam: Yes"));
    }
}
