package org.bastionmail.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Pop3LimitsTest {
    @TempDir
    Path dir;

    @Test
    void idleClientIsToldAndDisconnectedWithoutUpdate() throws Exception {
        Pop3Context.Limits quick = new Pop3Context.Limits(255, 12_290, Duration.ofMillis(300), Duration.ofHours(1), 3, 20);
        try (Pop3Server server = new Pop3Server(dir, quick)) {
            long uid = server.deliver(Pop3Server.ALICE, "Subject: x\r\n\r\nx\r\n");
            try (Pop3Client c = Pop3Client.login(server, Pop3Server.ALICE)) {
                c.send("DELE 1").expectOk();
                // then nothing: the server gives up waiting
                assertThat(c.readLine()).isEqualTo("-ERR Idle timeout, closing connection");
                assertThat(c.closedByServer()).isTrue();
            }
            org.awaitility.Awaitility.await().until(() -> !server.locks.isLocked(Pop3Server.ALICE));
            assertThat(server.inboxUids(Pop3Server.ALICE)).containsExactly(uid);
        }
    }

    @Test
    void defaultsFollowTheRfcs() {
        Pop3Context.Limits defaults = Pop3Context.Limits.defaults();
        assertThat(defaults.commandLine()).isEqualTo(255); // RFC 2449 4
        assertThat(defaults.idleTimeout()).isGreaterThanOrEqualTo(Duration.ofMinutes(10)); // RFC 1939 3
    }

    @Test
    void nonsenseLimitsAreRefused() {
        assertThatThrownBy(() -> new Pop3Context.Limits(0, 100, Duration.ofMinutes(1), Duration.ofHours(1), 3, 20))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Pop3Context.Limits(255, 12_290, Duration.ZERO, Duration.ofHours(1), 3, 20))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void locksAreExclusivePerAccountIgnoringCaseAndReleasedOnce() {
        MaildropLocks locks = new MaildropLocks();
        MaildropLocks.Lease lease = locks.tryLock("alice@example.test").orElseThrow();
        assertThat(locks.tryLock("ALICE@example.test")).isEmpty();
        assertThat(locks.tryLock("bob@example.test")).isPresent();
        lease.close();
        MaildropLocks.Lease again = locks.tryLock("alice@example.test").orElseThrow();
        lease.close(); // a second close must not release someone else's lock
        assertThat(locks.isLocked("alice@example.test")).isTrue();
        again.close();
        assertThat(locks.isLocked("alice@example.test")).isFalse();
    }

    @Test
    void messageNumbersParseStrictly() {
        assertThat(Maildrop.parseNumber("1")).isEqualTo(1);
        assertThat(Maildrop.parseNumber("007")).isEqualTo(7);
        assertThat(Maildrop.parseNumber("999999999")).isEqualTo(999_999_999);
        assertThat(Maildrop.parseNumber("1000000000")).isEqualTo(-1);
        assertThat(Maildrop.parseNumber("")).isEqualTo(-1);
        assertThat(Maildrop.parseNumber("-1")).isEqualTo(-1);
        assertThat(Maildrop.parseNumber("+1")).isEqualTo(-1);
        assertThat(Maildrop.parseNumber("٣")).isEqualTo(-1); // Arabic-Indic digit three
    }
}
