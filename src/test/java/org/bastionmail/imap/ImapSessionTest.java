package org.bastionmail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import org.bastionmail.config.Config;
import org.bastionmail.store.DeliveryOutcome;
import org.bastionmail.store.Flag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImapSessionTest {
    static final String SIMPLE = "From: Ann Example <ann@example.test>\r\nTo: alice@example.test\r\n"
            + "Subject: =?UTF-8?Q?caf=C3=A9?= plans\r\nDate: Tue, 3 Jun 2025 10:00:00 +0000\r\n"
            + "Message-ID: <m1@example.test>\r\n\r\nLet us meet at noon.\r\n";
    static final String MULTIPART = "From: bob@example.test\r\nTo: alice@example.test\r\nSubject: report\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
            + "preamble\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the attachment.\r\n"
            + "--b1\r\nContent-Type: application/octet-stream; name=r.bin\r\nContent-Transfer-Encoding: base64\r\n"
            + "Content-Disposition: attachment; filename=r.bin\r\n\r\naGVsbG8gd29ybGQ=\r\n"
            + "--b1\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\nFrom: x@example.test\r\n\r\ninner body\r\n"
            + "--b1--\r\nepilogue\r\n";

    @TempDir
    Path dir;

    ImapHarness server;

    @BeforeEach
    void start() throws Exception {
        server = new ImapHarness(dir);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    long deliver(String account, String text) throws Exception {
        Path file = Files.createTempFile(dir, "m", ".eml");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        DeliveryOutcome outcome = server.store.deliver(account, "INBOX", "k" + System.nanoTime(), file,
                Instant.parse("2025-06-03T10:00:05Z"), Long.MAX_VALUE);
        return ((DeliveryOutcome.Stored) outcome).uid();
    }

    @Test
    void greetingAndCapabilitiesBeforeTlsForbidLogin() throws Exception {
        try (ImapHarness.Client c = server.connect()) {
            assertThat(c.greeting()).startsWith("* OK [CAPABILITY IMAP4rev1 IMAP4rev2").contains("STARTTLS",
                    "LOGINDISABLED").doesNotContain("AUTH=");
            assertThat(c.command("a LOGIN alice@example.test \"secret pass\"")).contains("a NO [PRIVACYREQUIRED]");
            assertThat(c.command("b AUTHENTICATE PLAIN")).contains("b NO [PRIVACYREQUIRED]");
            assertThat(c.command("c SELECT INBOX")).contains("c BAD");
            assertThat(c.command("d NOOP")).contains("d OK");
            c.startTls();
            assertThat(c.command("e CAPABILITY")).contains("AUTH=PLAIN", "AUTH=SCRAM-SHA-256")
                    .doesNotContain("LOGINDISABLED", "STARTTLS");
            assertThat(c.command("f LOGOUT")).contains("* BYE", "f OK");
        }
    }

    @Test
    void plaintextPipelinedAfterStartTlsDropsTheConnection() throws Exception {
        try (ImapHarness.Client c = server.connect()) {
            c.greeting();
            c.send("a STARTTLS\r\nb LOGIN alice@example.test x\r\n");
            assertThat(c.line()).startsWith("a OK");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void authenticatePlainWithInitialResponseAndWrongPasswords() throws Exception {
        try (ImapHarness.Client c = server.connect()) {
            c.greeting();
            c.startTls();
            String bad = Base64.getEncoder().encodeToString("\0alice@example.test\0wrong".getBytes(StandardCharsets.UTF_8));
            assertThat(c.command("a AUTHENTICATE PLAIN " + bad)).contains("a NO [AUTHENTICATIONFAILED]");
            String good = Base64.getEncoder().encodeToString(("\0alice@example.test\0" + ImapHarness.PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            c.send("b AUTHENTICATE PLAIN\r\n");
            assertThat(c.line()).isEqualTo("+ ");
            c.send(good + "\r\n");
            assertThat(c.until("b")).contains("b OK [CAPABILITY");
            assertThat(c.command("c SELECT INBOX")).contains("c OK [READ-WRITE]");
        }
    }

    @Test
    void tooManyFailedLoginsCloseTheConnection() throws Exception {
        try (ImapHarness.Client c = server.connect()) {
            c.greeting();
            c.startTls();
            c.command("a LOGIN alice@example.test no1");
            c.command("b LOGIN alice@example.test no2");
            assertThat(c.command("c LOGIN alice@example.test no3")).contains("* BYE");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void implicitTlsOffersAuthAtOnce() throws Exception {
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ImapHarness.trustAll().getSocketFactory()
                .createSocket("127.0.0.1", server.implicit.address().getPort());
                ImapHarness.Client c = new ImapHarness.Client(s)) {
            assertThat(c.greeting()).contains("AUTH=PLAIN").doesNotContain("STARTTLS");
            assertThat(c.command("a LOGIN bob@example.test \"secret pass\"")).contains("a OK");
        }
    }

    @Test
    void selectFetchEnvelopeBodyStructureAndSections() throws Exception {
        deliver(ImapHarness.ALICE, SIMPLE);
        deliver(ImapHarness.ALICE, MULTIPART);
        try (ImapHarness.Client c = server.login(ImapHarness.ALICE)) {
            assertThat(c.command("s SELECT INBOX")).contains("* 2 EXISTS", "[UIDVALIDITY ", "[UIDNEXT 3]",
                    "s OK [READ-WRITE]");
            String envelope = c.command("f FETCH 1 (ENVELOPE FLAGS RFC822.SIZE INTERNALDATE)");
            assertThat(envelope).contains("ENVELOPE (\"Tue, 3 Jun 2025 10:00:00 +0000\" "
                    + "\"=?UTF-8?Q?caf=C3=A9?= plans\" ((\"Ann Example\" NIL \"ann\" \"example.test\"))",
                    "\"<m1@example.test>\")", "FLAGS ()", "RFC822.SIZE " + SIMPLE.length(),
                    "INTERNALDATE \"03-Jun-2025 10:00:05 +0000\"");
            String structure = c.command("g FETCH 2 BODYSTRUCTURE");
            assertThat(structure).contains("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 19 1",
                    "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"r.bin\") NIL NIL \"BASE64\" 16",
                    "(\"ATTACHMENT\" (\"FILENAME\" \"r.bin\"))",
                    "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\"", "\"inner\"", "\"MIXED\" (\"BOUNDARY\" \"b1\")");
            assertThat(c.command("h FETCH 2 (BODY.PEEK[1] BODY.PEEK[3.HEADER] BODY.PEEK[3.TEXT] BINARY.PEEK[2])"))
                    .contains("BODY[1] {19}\nSee the attachment.", "BODY[3.TEXT] {10}\ninner body",
                            "BINARY[2] {11}\nhello world", "BODY[3.HEADER] {40}");
            assertThat(c.command("i FETCH 1 (FLAGS)")).contains("FLAGS ()");
            assertThat(c.command("j FETCH 1 BODY[HEADER.FIELDS (SUBJECT)]<0.7>"))
                    .contains("BODY[HEADER.FIELDS (SUBJECT)]<0> {7}\nSubject", "FLAGS (\\Seen)");
            assertThat(c.command("k UID FETCH 1:* (FLAGS)")).contains("* 1 FETCH (UID 1 FLAGS (\\Seen))",
                    "* 2 FETCH (UID 2 FLAGS ())");
            assertThat(c.command("l FETCH 1 BODY[9]")).contains("BODY[9] {0}", "l OK");
        }
    }

    @Test
    void malformedAndDeeplyNestedMessagesAreStillServed() throws Exception {
        StringBuilder deep = new StringBuilder("Subject: deep\r\n");
        for (int i = 0; i < 200; i++) {
            deep.append("Content-Type: multipart/mixed; boundary=b").append(i).append("\r\n\r\n--b").append(i)
                    .append("\r\n");
        }
        deep.append("\r\nbottom\r\n");
        deliver(ImapHarness.ALICE, deep.toString());
        deliver(ImapHarness.ALICE, "no header at all, just \u00ff bytes and a broken\r\nContent-Type: multipart/x;\r\n");
        deliver(ImapHarness.ALICE, "Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\nunterminated");
        deliver(ImapHarness.ALICE, "From: \"Ünïcode\" <u@example.test>\r\nSubject: 8-bit Ümlaut\r\n\r\nbody\r\n");
        try (ImapHarness.Client c = server.login(ImapHarness.ALICE)) {
            c.command("s SELECT INBOX");
            String all = c.command("f FETCH 1:* (ENVELOPE BODYSTRUCTURE BODY.PEEK[1] BODY.PEEK[TEXT])");
            assertThat(all).contains("* 1 FETCH", "* 2 FETCH", "* 3 FETCH", "* 4 FETCH", "f OK");
            assertThat(all).contains("=?UTF-8?B?");
        }
    }

    @Test
    void storeSearchExpungeAndUidVariants() throws Exception {
        deliver(ImapHarness.ALICE, SIMPLE);
        deliver(ImapHarness.ALICE, MULTIPART);
        deliver(ImapHarness.ALICE, "From: carol@example.test\r\nSubject: big news\r\n\r\n" + "x".repeat(5000) + "\r\n");
        try (ImapHarness.Client c = server.login(ImapHarness.ALICE)) {
            c.command("s SELECT INBOX");
            assertThat(c.command("a STORE 1 +FLAGS (\\Flagged $Work)")).contains("* 1 FETCH (FLAGS (\\Flagged $Work))");
            assertThat(c.command("b STORE 2 +FLAGS.SILENT (\\Deleted)")).doesNotContain("FETCH").contains("b OK");
            assertThat(c.command("c SEARCH FLAGGED")).contains("* SEARCH 1\n");
            assertThat(c.command("d SEARCH UNSEEN NOT DELETED")).contains("* SEARCH 1 3\n");
            assertThat(c.command("e SEARCH SUBJECT \"café\"")).contains("* SEARCH 1\n");
            assertThat(c.command("f SEARCH CHARSET UTF-8 FROM \"bob\"")).contains("* SEARCH 2\n");
            assertThat(c.command("g SEARCH BODY attachment")).contains("* SEARCH 2\n");
            assertThat(c.command("h SEARCH OR LARGER 4000 KEYWORD $work")).contains("* SEARCH 1 3\n");
            assertThat(c.command("i UID SEARCH SINCE 1-Jun-2025 UID 2:*")).contains("* SEARCH 2 3\n");
            assertThat(c.command("j SEARCH TEXT \"big news\" 1:3")).contains("* SEARCH 3\n");
            assertThat(c.command("k SEARCH HEADER Message-ID m1@")).contains("* SEARCH 1\n");
            assertThat(c.command("l SEARCH RETURN (MIN MAX COUNT) ALL")).contains("* ESEARCH (TAG \"l\") MIN 1 MAX 3 COUNT 3");
            assertThat(c.command("m SEARCH CHARSET KOI8-R ALL")).contains("m NO [BADCHARSET");
            assertThat(c.command("n SEARCH BOGUS")).contains("n BAD");
            assertThat(c.command("o EXPUNGE")).contains("* 2 EXPUNGE", "o OK");
            assertThat(c.command("p FETCH 2 UID")).contains("* 2 FETCH (UID 3)");
            c.command("q STORE 1:2 +FLAGS (\\Deleted)");
            assertThat(c.command("r UID EXPUNGE 3")).contains("* 2 EXPUNGE").doesNotContain("* 1 EXPUNGE");
            assertThat(c.command("t SELECT INBOX")).contains("* 1 EXISTS");
            assertThat(c.command("u CLOSE")).contains("u OK");
            assertThat(server.store.messages(ImapHarness.ALICE, "INBOX")).isEmpty();
        }
    }

    @Test
    void appendCopyMoveWithUidPlus() throws Exception {
        try (ImapHarness.Client c = server.login(ImapHarness.ALICE)) {
            String msg = "Subject: appended\r\n\r\nhello\r\n";
            c.send("a APPEND Drafts (\\Draft \\Seen) \"05-Jun-2025 12:00:00 +0200\" {" + msg.length() + "}\r\n");
            assertThat(c.line()).startsWith("+ ");
            c.send(msg + "\r\n");
            String validity = String.valueOf(server.store.mailbox(ImapHarness.ALICE, "Drafts").orElseThrow().uidValidity());
            assertThat(c.until("a")).contains("a OK [APPENDUID " + validity + " 1]");
            c.send("b APPEND Drafts {" + msg.length() + "+}\r\n" + msg + "\r\n");
            assertThat(c.until("b")).contains("b OK [APPENDUID " + validity + " 2]");
            assertThat(c.command("c APPEND Nowhere {1+}\r\nx")).contains("c NO [TRYCREATE]");
            assertThat(server.store.messages(ImapHarness.ALICE, "Drafts").getFirst().flags())
                    .containsExactlyInAnyOrder(Flag.DRAFT, Flag.SEEN);
            assertThat(c.command("d SELECT Drafts")).contains("* 2 EXISTS");
            String archive = String.valueOf(server.store.mailbox(ImapHarness.ALICE, "Archive").orElseThrow().uidValidity());
            assertThat(c.command("e COPY 1:2 Archive")).contains("e OK [COPYUID " + archive + " 1:2 1:2]");
            assertThat(c.command("f UID MOVE 1 Trash")).contains("* OK [COPYUID ", "* 1 EXPUNGE", "f OK");
            assertThat(c.command("g COPY 1 Nope")).contains("g NO [TRYCREATE]");
            assertThat(c.command("h STATUS Archive (MESSAGES UNSEEN UIDNEXT SIZE)"))
                    .contains("* STATUS \"Archive\" (MESSAGES 2 UNSEEN 1 UIDNEXT 3 SIZE " + 2 * msg.length() + ")");
        }
    }

    @Test
    void mailboxManagementListAndNames() throws Exception {
        try (ImapHarness.Client c = server.login(ImapHarness.ALICE)) {
            assertThat(c.command("a CREATE Projects/2025/Q1")).contains("a OK");
            assertThat(c.command("b CREATE Projects")).contains("b NO [ALREADYEXISTS]");
            assertThat(c.command("c LIST \"\" %")).contains("* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
                    "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"", "* LIST (\\HasChildren) \"/\" \"Projects\"")
                    .doesNotContain("Projects/2025");
            assertThat(c.command("d LIST \"\" *")).contains("Projects/2025/Q1");
            assertThat(c.command("e LIST \"\" \"\"")).contains("* LIST (\\Noselect) \"/\" \"\"");
            assertThat(c.command("f RENAME Projects Work")).contains("f OK");
            assertThat(c.command("g LIST \"\" Work/*")).contains("Work/2025", "Work/2025/Q1");
            assertThat(c.command("h UNSUBSCRIBE Junk")).contains("h OK");
            assertThat(c.command("i LSUB \"\" *")).doesNotContain("Junk").contains("* LSUB () \"/\" \"INBOX\"");
            assertThat(c.command("j LIST (SPECIAL-USE) \"\" *")).contains("\\Trash").doesNotContain("INBOX");
            assertThat(c.command("k LIST \"\" % RETURN (STATUS (MESSAGES UIDVALIDITY))"))
                    .contains("* STATUS \"INBOX\" (MESSAGES 0 UIDVALIDITY ");
            assertThat(c.command("l CREATE \"Caf&AOk-\"")).contains("l OK");
            assertThat(server.store.mailbox(ImapHarness.ALICE, "Café")).isPresent();
            assertThat(c.command("m LIST \"\" Caf*")).contains("\"/\" \"Caf&AOk-\"");
            c.command("n ENABLE UTF8=ACCEPT");
            assertThat(c.command("o LIST \"\" Caf*")).contains("{5}\nCafé");
            assertThat(c.command("p DELETE Work")).contains("p NO");
            assertThat(c.command("q DELETE INBOX")).contains("q NO");
            assertThat(c.command("r DELETE Work/2025/Q1")).contains("r OK");
            for (String hostile : new String[] {"../../etc", "/etc/passwd", "a/../b", "\"x\\\\y\""}) {
                assertThat(c.command("s CREATE " + hostile)).as(hostile).containsAnyOf("s NO", "s BAD");
            }
            assertThat(c.command("t SELECT \"../INBOX\"")).contains("t NO");
            assertThat(c.command("u NAMESPACE")).contains("* NAMESPACE ((\"\" \"/\")) NIL NIL");
            assertThat(c.command("v ID (\"name\" \"test\")")).contains("* ID NIL");
            assertThat(c.command("w GETQUOTAROOT INBOX")).contains("* QUOTAROOT \"INBOX\" \"\"", "* QUOTA \"\" (STORAGE 0 ");
        }
    }

    @Test
    void anotherUsersMailIsNeverReachable() throws Exception {
        deliver(ImapHarness.BOB, "Subject: bob's secret\r\n\r\nsecret\r\n");
        try (ImapHarness.Client c = server.login(ImapHarness.ALICE)) {
            assertThat(c.command("a LIST \"\" *")).doesNotContain("bob");
            assertThat(c.command("b SELECT INBOX")).contains("* 0 EXISTS");
            assertThat(c.command("c FETCH 1:* BODY[]")).doesNotContain("secret");
            assertThat(c.command("d UID FETCH 1 BODY[]")).doesNotContain("secret");
            assertThat(c.command("e SELECT \"bob@example.test/INBOX\"")).contains("e NO");
            assertThat(c.command("f STATUS \"../bob@example.test/INBOX\" (MESSAGES)")).contains("f NO");
        }
    }

    @Test
    void concurrentSessionsAndIdleSeeChanges() throws Exception {
        deliver(ImapHarness.ALICE, SIMPLE);
        try (ImapHarness.Client one = server.login(ImapHarness.ALICE);
                ImapHarness.Client two = server.login(ImapHarness.ALICE)) {
            one.command("a SELECT INBOX");
            two.command("a SELECT INBOX");
            two.command("b STORE 1 +FLAGS (\\Answered)");
            assertThat(one.command("c NOOP")).contains("* 1 FETCH (UID 1 FLAGS (\\Answered))");
            one.send("d IDLE\r\n");
            assertThat(one.line()).startsWith("+ ");
            deliver(ImapHarness.ALICE, MULTIPART); // LocalDelivery goes through the same store
            assertThat(one.line()).isEqualTo("* 2 EXISTS");
            two.command("e STORE 1 +FLAGS (\\Deleted)");
            two.command("f EXPUNGE");
            assertThat(one.line()).isEqualTo("* 1 EXPUNGE");
            one.send("DONE\r\n");
            assertThat(one.until("d")).contains("d OK");
        }
    }

    @Test
    void condstoreAndQresync() throws Exception {
        deliver(ImapHarness.ALICE, SIMPLE);
        deliver(ImapHarness.ALICE, SIMPLE);
        try (ImapHarness.Client c = server.login(ImapHarness.ALICE)) {
            assertThat(c.command("a ENABLE QRESYNC")).contains("* ENABLED QRESYNC");
            String select = c.command("b SELECT INBOX");
            long modSeq = Long.parseLong(select.replaceAll("(?s).*HIGHESTMODSEQ (\\d+).*", "$1"));
            long validity = Long.parseLong(select.replaceAll("(?s).*UIDVALIDITY (\\d+).*", "$1"));
            assertThat(c.command("c STORE 1 (UNCHANGEDSINCE " + modSeq + ") +FLAGS (\\Seen)")).contains("MODSEQ (");
            assertThat(c.command("d STORE 1 (UNCHANGEDSINCE 1) +FLAGS (\\Flagged)")).contains("d OK [MODIFIED 1]");
            assertThat(c.command("e UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + modSeq + ")")).contains("UID 1")
                    .doesNotContain("UID 2 ");
            c.command("f STORE 2 +FLAGS (\\Deleted)");
            assertThat(c.command("g EXPUNGE")).contains("* VANISHED 2");
            c.command("h UNSELECT");
            assertThat(c.command("i SELECT INBOX (QRESYNC (" + validity + " " + modSeq + "))"))
                    .contains("* VANISHED (EARLIER) 2", "* 1 FETCH (UID 1 FLAGS (\\Seen)");
        }
    }

    @Test
    void hostileInput() throws Exception {
        try (ImapHarness.Client c = server.connect()) {
            c.greeting();
            assertThat(c.command("a " + "X".repeat(10_000))).contains("BAD");
            assertThat(c.command("b NOOP")).contains("b OK");
            c.send("c LOGIN {99999999}\r\n");
            assertThat(c.line()).startsWith("c BAD [TOOBIG]");
            assertThat(c.command("d NOOP")).contains("d OK");
            c.sendBytes("e LOGIN \"\u00ff\u00fe\" x\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(c.until("e")).contains("e ");
            assertThat(c.command("f FETCH 1:* FLAGS")).contains("f BAD");
            c.send("g\r\n");
            assertThat(c.line()).startsWith("g BAD");
            assertThat(c.command("h \"unterminated")).contains("BAD");
            c.send("i LOGIN {99999999+}\r\n");
            assertThat(c.line()).startsWith("i BAD [TOOBIG]");
            assertThat(c.closedByServer()).isTrue();
        }
        try (ImapHarness.Client c = server.login(ImapHarness.ALICE)) {
            c.command("s SELECT INBOX");
            assertThat(c.command("a FETCH 0 FLAGS")).contains("a BAD");
            assertThat(c.command("b FETCH 1:99999999999 FLAGS")).contains("b BAD");
            assertThat(c.command("c SEARCH " + "NOT ".repeat(100) + "ALL")).contains("c BAD");
            assertThat(c.command("d FETCH 1 BODY[1.2.3.4.5.6.7.8.9.1.2.3.4.5.6.7.8.9.1.2.3.4.5.6.7.8.9.1.2.3.4.5.6.7.8."
                    + "9.1.2.3.4.5.6.7.8.9.1.2.3.4.5.6.7.8.9.1.2.3.4.5.6.7.8.9.1]")).contains("d BAD");
            c.send("e APPEND INBOX {5}\r\n");
            assertThat(c.line()).startsWith("+ ");
            c.close(); // an unterminated literal: the session just ends
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.listener.openConnections() == 0);
        assertThat(server.store.messages(ImapHarness.ALICE, "INBOX")).isEmpty();
    }

    @Test
    void appendLargerThanTheLimitIsRefusedBeforeItIsSent() throws Exception {
        server.close();
        server = new ImapHarness(dir.resolve("small"), ImapLimits.defaults(Config.Limits.defaults()).withMessageSize(100));
        try (ImapHarness.Client c = server.login(ImapHarness.ALICE)) {
            assertThat(c.command("a CAPABILITY")).contains("APPENDLIMIT=100");
            c.send("b APPEND INBOX {101}\r\n");
            assertThat(c.line()).startsWith("b BAD [TOOBIG]");
            assertThat(c.command("c NOOP")).contains("c OK");
        }
        assertThat(server.store.messages(ImapHarness.ALICE, "INBOX")).isEmpty();
        assertThat(Set.of()).isEmpty();
    }
}
