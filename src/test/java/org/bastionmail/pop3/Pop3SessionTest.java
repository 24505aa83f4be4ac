package org.bastionmail.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bastionmail.pop3.Pop3Server.ALICE;
import static org.bastionmail.pop3.Pop3Server.BOB;
import static org.bastionmail.pop3.Pop3Server.PASSWORD;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.bastionmail.sasl.ScramTestClient;
import org.bastionmail.store.Mailbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Pop3SessionTest {
    static final String FIRST = "From: a@example.net\r\nSubject: one\r\n\r\nline 1\r\n.starts with a dot\r\nline 3\r\n";
    static final String SECOND = "Subject: two\r\n\r\nsecond body\r\n";

    @TempDir
    Path dir;
    Pop3Server server;
    long uid1;
    long uid2;

    @BeforeEach
    void start() throws Exception {
        server = new Pop3Server(dir);
        uid1 = server.deliver(ALICE, FIRST);
        uid2 = server.deliver(ALICE, SECOND);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    // Greeting, CAPA, TLS

    @Test
    void greetingNamesTheHostButNoSoftwareOrVersion() throws Exception {
        try (Pop3Client c = Pop3Client.connect(server)) {
            assertThat(c.readLine()).isEqualTo("+OK pop.example.test POP3 server ready");
        }
    }

    @Test
    void capaBeforeTlsOffersStlsButNoLogin() throws Exception {
        try (Pop3Client c = Pop3Client.connect(server)) {
            c.expectOk();
            assertThat(c.command("CAPA")).startsWith("+OK");
            List<String> caps = c.readBody();
            assertThat(caps).contains("STLS", "TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING")
                    .doesNotContain("USER").noneMatch(l -> l.startsWith("SASL") || l.startsWith("IMPLEMENTATION"));
        }
    }

    @Test
    void capaUnderTlsOffersUserAndSaslButNotStls() throws Exception {
        try (Pop3Client c = Pop3Client.connectTls(server)) {
            assertThat(c.command("CAPA")).startsWith("+OK");
            assertThat(c.readBody()).contains("USER", "SASL SCRAM-SHA-256 PLAIN", "TOP", "UIDL")
                    .doesNotContain("STLS");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"USER alice@example.test", "PASS " + PASSWORD, "AUTH PLAIN", "AUTH"})
    void noLoginBeforeTls(String command) throws Exception {
        try (Pop3Client c = Pop3Client.connect(server)) {
            c.expectOk();
            assertThat(c.command(command)).startsWith("-ERR [AUTH]");
            // and the password was not even checked
            assertThat(c.command("PASS " + PASSWORD)).startsWith("-ERR [AUTH]");
        }
        assertThat(server.pauses).isEmpty();
    }

    @Test
    void stlsTwiceOrAfterLoginIsRefused() throws Exception {
        try (Pop3Client c = Pop3Client.connectTls(server)) {
            assertThat(c.command("STLS")).startsWith("-ERR");
        }
        try (Pop3Client c = Pop3Client.login(server, ALICE)) {
            assertThat(c.command("STLS")).startsWith("-ERR");
        }
    }

    @Test
    void plaintextPipelinedAfterStlsDropsTheConnection() throws Exception {
        // CVE-2011-0411: "USER" injected in the same packet must not be taken as sent under TLS.
        try (Pop3Client c = Pop3Client.connect(server)) {
            c.expectOk();
            c.raw("STLS\r\nUSER alice@example.test\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.readLine()).startsWith("+OK");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void implicitTlsOffersLoginAtOnce() throws Exception {
        try (Pop3Client c = Pop3Client.connectImplicit(server)) {
            c.expectOk();
            assertThat(c.command("CAPA")).startsWith("+OK");
            assertThat(c.readBody()).contains("USER").doesNotContain("STLS");
            assertThat(c.command("STLS")).startsWith("-ERR");
            assertThat(c.command("USER " + ALICE)).startsWith("+OK");
            assertThat(c.command("PASS " + PASSWORD)).startsWith("+OK Logged in, 2 messages");
        }
    }

    // Login

    @Test
    void wrongPasswordAndUnknownUserGetTheSameReplyAndAGrowingDelay() throws Exception {
        try (Pop3Client c = Pop3Client.connectTls(server)) {
            c.send("USER " + ALICE).expectOk();
            String wrongPassword = c.command("PASS wrong");
            assertThat(c.command("USER nobody@example.test")).startsWith("+OK");
            String unknownUser = c.command("PASS " + PASSWORD);
            assertThat(wrongPassword).isEqualTo(unknownUser).isEqualTo("-ERR [AUTH] Authentication failed");
            assertThat(c.command("USER " + ALICE)).startsWith("+OK");
            assertThat(c.command("PASS also wrong")).contains("too many failures");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(server.pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    @Test
    void passWithoutUserAndUserWithoutNameAreErrors() throws Exception {
        try (Pop3Client c = Pop3Client.connectTls(server)) {
            assertThat(c.command("PASS " + PASSWORD)).startsWith("-ERR");
            assertThat(c.command("USER")).startsWith("-ERR");
            assertThat(c.command("USER " + ALICE)).startsWith("+OK");
            assertThat(c.command("PASS")).startsWith("-ERR");
            // a failed PASS forgets the USER (RFC 1939 7)
            assertThat(c.command("PASS " + PASSWORD)).startsWith("-ERR");
        }
    }

    @Test
    void commandsOfTheTransactionStateNeedALogin() throws Exception {
        try (Pop3Client c = Pop3Client.connectTls(server)) {
            for (String command : List.of("STAT", "LIST", "RETR 1", "DELE 1", "NOOP", "RSET", "TOP 1 0", "UIDL")) {
                assertThat(c.command(command)).as(command).startsWith("-ERR");
            }
            assertThat(c.command("APOP alice 0123456789abcdef0123456789abcdef")).startsWith("-ERR");
        }
    }

    @Test
    void authPlainWithInitialResponse() throws Exception {
        try (Pop3Client c = Pop3Client.connectTls(server)) {
            assertThat(c.command("AUTH PLAIN " + b64("\0" + ALICE + "\0" + PASSWORD))).startsWith("+OK Logged in");
            assertThat(c.command("STAT")).isEqualTo("+OK 2 " + (FIRST.length() + SECOND.length()));
        }
    }

    @Test
    void authPlainWithContinuationAndLowerCaseMechanism() throws Exception {
        try (Pop3Client c = Pop3Client.connectTls(server)) {
            assertThat(c.command("AUTH plain")).isEqualTo("+ ");
            assertThat(c.command(b64(ALICE + "\0" + ALICE + "\0" + PASSWORD))).startsWith("+OK Logged in");
        }
    }

    @Test
    void authPlainWrongPasswordIsAnAuthFailure() throws Exception {
        try (Pop3Client c = Pop3Client.connectTls(server)) {
            assertThat(c.command("AUTH PLAIN " + b64("\0" + ALICE + "\0wrong"))).isEqualTo("-ERR [AUTH] Authentication failed");
            assertThat(c.command("AUTH PLAIN " + b64("\0nobody@example.test\0" + PASSWORD)))
                    .isEqualTo("-ERR [AUTH] Authentication failed");
        }
        assertThat(server.pauses).hasSize(2);
    }

    @Test
    void authCancelledBadBase64AndUnknownMechanism() throws Exception {
        try (Pop3Client c = Pop3Client.connectTls(server)) {
            assertThat(c.command("AUTH PLAIN")).isEqualTo("+ ");
            assertThat(c.command("*")).startsWith("-ERR").contains("cancelled");
            assertThat(c.command("AUTH PLAIN")).isEqualTo("+ ");
            assertThat(c.command("not base64!")).startsWith("-ERR");
            assertThat(c.command("AUTH PLAIN %%%")).startsWith("-ERR");
            assertThat(c.command("AUTH LOGIN")).startsWith("-ERR");
            assertThat(c.command("AUTH CRAM-MD5")).startsWith("-ERR");
            assertThat(c.command("AUTH PLAIN " + b64("no nul separators"))).startsWith("-ERR");
            // still usable, none of it counted as a failed login
            assertThat(c.command("AUTH PLAIN " + b64("\0" + ALICE + "\0" + PASSWORD))).startsWith("+OK");
        }
        assertThat(server.pauses).isEmpty();
    }

    @Test
    void bareAuthListsTheMechanisms() throws Exception {
        try (Pop3Client c = Pop3Client.connectTls(server)) {
            assertThat(c.command("AUTH")).startsWith("+OK");
            assertThat(c.readBody()).containsExactly("SCRAM-SHA-256", "PLAIN");
        }
    }

    @Test
    void authScramSha256() throws Exception {
        try (Pop3Client c = Pop3Client.connectTls(server)) {
            ScramTestClient scram = new ScramTestClient(ALICE, PASSWORD, "pop3clientnonce");
            String serverFirst = c.command("AUTH SCRAM-SHA-256 " + Base64.getEncoder().encodeToString(scram.clientFirst()));
            assertThat(serverFirst).startsWith("+ ");
            byte[] clientFinal = scram.clientFinal(Base64.getDecoder().decode(serverFirst.substring(2)));
            String serverFinal = c.command(Base64.getEncoder().encodeToString(clientFinal));
            assertThat(serverFinal).startsWith("+ ");
            assertThat(Base64.getDecoder().decode(serverFinal.substring(2))).isEqualTo(scram.expectedServerFinal());
            assertThat(c.command("")).startsWith("+OK Logged in");
        }
    }

    @Test
    void authScramWithWrongPasswordFails() throws Exception {
        try (Pop3Client c = Pop3Client.connectTls(server)) {
            ScramTestClient scram = new ScramTestClient(ALICE, "wrong", "nonce2");
            String serverFirst = c.command("AUTH SCRAM-SHA-256 " + Base64.getEncoder().encodeToString(scram.clientFirst()));
            byte[] clientFinal = scram.clientFinal(Base64.getDecoder().decode(serverFirst.substring(2)));
            assertThat(c.command(Base64.getEncoder().encodeToString(clientFinal))).isEqualTo("-ERR [AUTH] Authentication failed");
        }
    }

    @Test
    void alreadyLoggedInRefusesAnotherLogin() throws Exception {
        try (Pop3Client c = Pop3Client.login(server, ALICE)) {
            assertThat(c.command("USER " + BOB)).startsWith("-ERR");
            assertThat(c.command("AUTH PLAIN " + b64("\0" + BOB + "\0" + PASSWORD))).startsWith("-ERR");
        }
    }

    // TRANSACTION state

    @Test
    void statListAndUidl() throws Exception {
        long v = server.uidValidity(ALICE);
        try (Pop3Client c = Pop3Client.login(server, ALICE)) {
            assertThat(c.command("STAT")).isEqualTo("+OK 2 " + (FIRST.length() + SECOND.length()));
            assertThat(c.command("LIST")).startsWith("+OK 2 messages");
            assertThat(c.readBody()).containsExactly("1 " + FIRST.length(), "2 " + SECOND.length());
            assertThat(c.command("list 2")).isEqualTo("+OK 2 " + SECOND.length());
            assertThat(c.command("UIDL")).startsWith("+OK");
            assertThat(c.readBody()).containsExactly("1 " + v + "-" + uid1, "2 " + v + "-" + uid2);
            assertThat(c.command("UIDL 1")).isEqualTo("+OK 1 " + v + "-" + uid1);
            assertThat(c.command("NOOP")).isEqualTo("+OK");
        }
    }

    @Test
    void uniqueIdsAreStableAcrossSessions() throws Exception {
        List<String> first;
        try (Pop3Client c = Pop3Client.login(server, ALICE)) {
            c.send("UIDL").expectOk();
            first = c.readBody();
            c.send("DELE 1").expectOk();
            c.send("QUIT").expectOk();
        }
        try (Pop3Client c = Pop3Client.login(server, ALICE)) {
            c.send("UIDL").expectOk();
            // message 2 is now message 1, with the same unique id
            assertThat(c.readBody()).containsExactly("1 " + first.get(1).substring(2));
        }
    }

    @Test
    void retrByteStuffsAndTerminates() throws Exception {
        try (Pop3Client c = Pop3Client.login(server, ALICE)) {
            assertThat(c.command("RETR 1")).isEqualTo("+OK " + FIRST.length() + " octets");
            assertThat(c.readBody()).containsExactly("From: a@example.net", "Subject: one", "", "line 1",
                    "..starts with a dot", "line 3");
            assertThat(c.command("RETR 2")).startsWith("+OK");
            assertThat(c.readBody()).containsExactly("Subject: two", "", "second body");
        }
    }

    @Test
    void topReturnsHeadersAndBodyLines() throws Exception {
        try (Pop3Client c = Pop3Client.login(server, ALICE)) {
            assertThat(c.command("TOP 1 0")).startsWith("+OK");
            assertThat(c.readBody()).containsExactly("From: a@example.net", "Subject: one", "");
            assertThat(c.command("TOP 1 2")).startsWith("+OK");
            assertThat(c.readBody()).containsExactly("From: a@example.net", "Subject: one", "", "line 1",
                    "..starts with a dot");
            assertThat(c.command("TOP 1 999999999")).startsWith("+OK");
            assertThat(c.readBody()).hasSize(6);
            for (String bad : List.of("TOP 1", "TOP 1 -1", "TOP 1 x", "TOP 1 2 3", "TOP 0 1", "TOP 3 1")) {
                assertThat(c.command(bad)).as(bad).startsWith("-ERR");
            }
        }
    }

    @Test
    void messageNumbersAreValidated() throws Exception {
        try (Pop3Client c = Pop3Client.login(server, ALICE)) {
            for (String n : List.of("0", "-1", "+1", "3", "99999999999999999999", "1a", "0x1", "１")) {
                for (String command : List.of("RETR ", "LIST ", "UIDL ", "DELE ")) {
                    assertThat(c.command(command + n)).as(command + n).startsWith("-ERR");
                }
            }
            assertThat(c.command("RETR")).startsWith("-ERR");
            assertThat(c.command("RETR 1 2")).startsWith("-ERR");
            assertThat(c.command("RETR  1")).startsWith("-ERR");
            assertThat(c.command("STAT 1")).startsWith("-ERR");
        }
    }

    @Test
    void deletedMessagesDisappearFromTheSessionAndRsetBringsThemBack() throws Exception {
        try (Pop3Client c = Pop3Client.login(server, ALICE)) {
            assertThat(c.command("DELE 1")).startsWith("+OK");
            assertThat(c.command("DELE 1")).startsWith("-ERR");
            assertThat(c.command("RETR 1")).startsWith("-ERR");
            assertThat(c.command("TOP 1 0")).startsWith("-ERR");
            assertThat(c.command("LIST 1")).startsWith("-ERR");
            assertThat(c.command("UIDL 1")).startsWith("-ERR");
            assertThat(c.command("STAT")).isEqualTo("+OK 1 " + SECOND.length());
            c.send("LIST").expectOk();
            assertThat(c.readBody()).containsExactly("2 " + SECOND.length());
            assertThat(c.command("RSET")).startsWith("+OK 2 messages");
            assertThat(c.command("STAT")).isEqualTo("+OK 2 " + (FIRST.length() + SECOND.length()));
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        assertThat(server.inboxUids(ALICE)).containsExactly(uid1, uid2);
    }

    @Test
    void quitRemovesOnlyTheMessagesMarkedDeleted() throws Exception {
        String third = "Subject: three\r\n\r\n3\r\n";
        long uid3 = server.deliver(ALICE, third);
        try (Pop3Client c = Pop3Client.login(server, ALICE)) {
            c.send("DELE 2").expectOk();
            assertThat(c.command("QUIT")).startsWith("+OK");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(server.inboxUids(ALICE)).containsExactly(uid1, uid3);
        assertThat(server.store.usedBytes(ALICE)).isEqualTo(FIRST.length() + third.length());
    }

    @Test
    void aDroppedConnectionDeletesNothing() throws Exception {
        try (Pop3Client c = Pop3Client.login(server, ALICE)) {
            c.send("DELE 1").expectOk();
            c.send("DELE 2").expectOk();
        }
        // RFC 1939 6: no UPDATE state without QUIT. The lock is released once the session ends.
        org.awaitility.Awaitility.await().until(() -> !server.locks.isLocked(ALICE));
        assertThat(server.inboxUids(ALICE)).containsExactly(uid1, uid2);
    }

    @Test
    void quitBeforeLoginJustSaysGoodbye() throws Exception {
        try (Pop3Client c = Pop3Client.connect(server)) {
            c.expectOk();
            assertThat(c.command("QUIT")).startsWith("+OK");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void anotherUsersMailIsNotVisible() throws Exception {
        try (Pop3Client c = Pop3Client.login(server, BOB)) {
            assertThat(c.command("STAT")).isEqualTo("+OK 0 0");
            assertThat(c.command("RETR 1")).startsWith("-ERR");
        }
    }

    // Maildrop lock and concurrent access

    @Test
    void secondPop3SessionOfTheSameUserIsRefusedWhileTheFirstHoldsTheLock() throws Exception {
        try (Pop3Client first = Pop3Client.login(server, ALICE)) {
            try (Pop3Client second = Pop3Client.connectTls(server)) {
                second.send("USER " + ALICE).expectOk();
                assertThat(second.command("PASS " + PASSWORD)).startsWith("-ERR [IN-USE]");
                // still in AUTHORIZATION state, not a login failure
                assertThat(second.command("STAT")).startsWith("-ERR");
                try (Pop3Client bob = Pop3Client.login(server, BOB)) {
                    assertThat(bob.command("STAT")).startsWith("+OK");
                }
            }
            first.send("QUIT").expectOk();
        }
        org.awaitility.Awaitility.await().until(() -> !server.locks.isLocked(ALICE));
        try (Pop3Client again = Pop3Client.login(server, ALICE)) {
            assertThat(again.command("STAT")).startsWith("+OK 2");
        }
        assertThat(server.pauses).isEmpty();
    }

    @Test
    void mailArrivingDuringTheSessionIsNotPartOfTheMaildrop() throws Exception {
        try (Pop3Client c = Pop3Client.login(server, ALICE)) {
            long uid3 = server.deliver(ALICE, "Subject: late\r\n\r\nlate\r\n");
            assertThat(c.command("STAT")).startsWith("+OK 2 ");
            assertThat(c.command("RETR 3")).startsWith("-ERR");
            c.send("DELE 1").expectOk();
            c.send("DELE 2").expectOk();
            c.send("QUIT").expectOk();
            assertThat(c.closedByServer()).isTrue();
            assertThat(server.inboxUids(ALICE)).containsExactly(uid3);
        }
    }

    @Test
    void messagesExpungedByImapMeanwhileAreHandledAndNothingElseIsDeleted() throws Exception {
        long uid3 = server.deliver(ALICE, "Subject: three\r\n\r\n3\r\n");
        try (Pop3Client c = Pop3Client.login(server, ALICE)) {
            c.send("DELE 2").expectOk();
            // an IMAP client expunges messages 1 and 2 while POP3 holds its lock
            server.store.expunge(ALICE, Mailbox.INBOX, List.of(uid1, uid2));
            assertThat(c.command("RETR 1")).startsWith("-ERR").contains("removed");
            assertThat(c.command("TOP 1 0")).startsWith("-ERR");
            assertThat(c.command("RETR 3")).startsWith("+OK");
            c.readBody();
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        assertThat(server.inboxUids(ALICE)).containsExactly(uid3);
    }

    @Test
    void inboxRenamedByImapMeanwhileDeletesNothingOfTheNewInbox() throws Exception {
        try (Pop3Client c = Pop3Client.login(server, ALICE)) {
            c.send("DELE 1").expectOk();
            // IMAP RENAME INBOX moves the messages away and leaves a new INBOX; new mail there may reuse UIDs
            server.store.renameMailbox(ALICE, Mailbox.INBOX, "Old");
            long reused = server.deliver(ALICE, "Subject: new inbox\r\n\r\nnew\r\n");
            assertThat(reused).isEqualTo(uid1); // the UID that DELE 1 marked now names this message
            assertThat(c.command("RETR 1")).startsWith("-ERR");
            assertThat(c.command("RETR 2")).startsWith("-ERR");
            assertThat(c.command("QUIT")).startsWith("-ERR").contains("nothing deleted");
            assertThat(server.inboxUids(ALICE)).containsExactly(reused);
        }
        assertThat(server.store.messages(ALICE, "Old")).hasSize(2);
    }

    // Hostile and broken input

    @Test
    void overlongCommandLinesAreRefusedAndTheSessionGoesOn() throws Exception {
        try (Pop3Client c = Pop3Client.connectTls(server)) {
            assertThat(c.command("USER " + "a".repeat(250))).startsWith("-ERR").contains("too long");
            assertThat(c.command("NOOP" + " ".repeat(100_000))).startsWith("-ERR").contains("too long");
            // exactly 255 octets with CRLF is fine (RFC 2449 4)
            assertThat(c.command("USER " + "a".repeat(248))).startsWith("+OK");
        }
    }

    @Test
    void invalidUtf8NulAndBareCrAreRefused() throws Exception {
        try (Pop3Client c = Pop3Client.connectTls(server)) {
            c.raw(new byte[] {'U', 'S', 'E', 'R', ' ', (byte) 0xC3, (byte) 0x28, '\r', '\n'});
            assertThat(c.readLine()).startsWith("-ERR").contains("UTF-8");
            c.raw("USER a\0b\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.readLine()).startsWith("-ERR");
            c.raw("USER a\rb\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.readLine()).startsWith("-ERR");
            // a bare LF ends a line like CRLF
            c.raw("CAPA\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.readLine()).startsWith("+OK");
            c.readBody();
            // UTF-8 user names are fine (RFC 6856 allows them with UTF8; harmless here)
            assertThat(c.command("USER jürgen@example.test")).startsWith("+OK");
            assertThat(c.command("PASS x")).isEqualTo("-ERR [AUTH] Authentication failed");
        }
    }

    @Test
    void unknownCommandsAreRefusedAndTooManyErrorsCloseTheConnection() throws Exception {
        try (Pop3Client c = Pop3Client.connect(server)) {
            c.expectOk();
            assertThat(c.command("HELO there")).startsWith("-ERR");
            assertThat(c.command("")).startsWith("-ERR");
            for (int i = 2; i < Pop3Context.Limits.defaults().errors() - 1; i++) {
                assertThat(c.command("XYZZY")).startsWith("-ERR");
            }
            assertThat(c.command("XYZZY")).startsWith("-ERR");
            assertThat(c.readLine()).contains("Too many errors");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void pipelinedCommandsAreAllAnswered() throws Exception {
        try (Pop3Client c = Pop3Client.login(server, ALICE)) {
            c.raw("STAT\r\nLIST 1\r\nUIDL 2\r\nTOP 2 0\r\nNOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.readLine()).startsWith("+OK 2 ");
            assertThat(c.readLine()).startsWith("+OK 1 ");
            assertThat(c.readLine()).startsWith("+OK 2 ");
            assertThat(c.readLine()).startsWith("+OK");
            assertThat(c.readBody()).containsExactly("Subject: two", "");
            assertThat(c.readLine()).isEqualTo("+OK");
        }
    }

    @Test
    void hugeMessageIsStreamedIntact() throws Exception {
        StringBuilder body = new StringBuilder("Subject: big\r\n\r\n");
        for (int i = 0; i < 50_000; i++) {
            body.append(i % 7 == 0 ? "." : "").append("line ").append(i).append("\r\n");
        }
        server.deliver(ALICE, body.toString());
        try (Pop3Client c = Pop3Client.login(server, ALICE)) {
            assertThat(c.command("RETR 3")).isEqualTo("+OK " + body.length() + " octets");
            List<String> lines = c.readBody();
            String unstuffed = String.join("\r\n", lines.stream().map(l -> l.startsWith(".") ? l.substring(1) : l).toList())
                    + "\r\n";
            assertThat(unstuffed).isEqualTo(body.toString());
        }
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
