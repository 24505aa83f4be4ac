package org.bastionmail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bastionmail.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.bastionmail.net.HandClock;

/** The limits a hostile or broken client hits: login guessing, too many connections, command floods. */
class ImapLimitsTest {
    @TempDir
    Path dir;

    private static ImapLimits limits(int connectionsPerUser, int burst, int perSecond, int floodRefusals) {
        ImapLimits d = ImapLimits.defaults(Config.Limits.defaults());
        return new ImapLimits(d.lineLength(), d.commandSize(), d.messageSize(), d.idleTimeout(), d.badCommands(),
                d.failedLogins(), d.loginDelay(), connectionsPerUser, burst, perSecond, floodRefusals);
    }

    @Test
    void eachFailedLoginWaitsLongerUntilTheConnectionIsClosed() throws Exception {
        try (ImapHarness server = new ImapHarness(dir); ImapHarness.Client c = server.connect()) {
            c.greeting();
            c.startTls();
            assertThat(c.command("a LOGIN alice@example.test wrong")).contains("a NO [AUTHENTICATIONFAILED]");
            String plain = Base64.getEncoder().encodeToString("\0alice@example.test\0wrong".getBytes());
            assertThat(c.command("b AUTHENTICATE PLAIN " + plain)).contains("b NO [AUTHENTICATIONFAILED]");
            assertThat(server.pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
            assertThat(c.command("c LOGIN nobody@example.test wrong")).contains("* BYE");
            assertThat(c.closedByServer()).isTrue();
            assertThat(server.pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2),
                    Duration.ofSeconds(4));
        }
    }

    @Test
    void aSuccessfulLoginIsNotDelayed() throws Exception {
        try (ImapHarness server = new ImapHarness(dir); ImapHarness.Client c = server.login(ImapHarness.ALICE)) {
            assertThat(c.command("a NOOP")).contains("a OK");
            assertThat(server.pauses).isEmpty();
        }
    }

    @Test
    void oneConnectionTooManyForAUserIsRefusedWithLimit() throws Exception {
        try (ImapHarness server = new ImapHarness(dir, limits(2, 500, 50, 20))) {
            List<ImapHarness.Client> clients = new ArrayList<>();
            try {
                clients.add(server.login(ImapHarness.ALICE));
                clients.add(server.login(ImapHarness.ALICE));
                ImapHarness.Client third = server.connect();
                clients.add(third);
                third.greeting();
                third.startTls();
                assertThat(third.command("a LOGIN alice@example.test \"secret pass\"")).contains("a NO [LIMIT]");
                // Refused for the limit, not for the password: no delay, no failed login counted.
                assertThat(server.pauses).isEmpty();
                assertThat(third.command("b SELECT INBOX")).contains("b BAD");
                // Another user is not affected.
                clients.add(server.login(ImapHarness.BOB));
                // A connection that leaves gives its slot back.
                assertThat(clients.getFirst().command("z LOGOUT")).contains("z OK");
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> server.connections.count(ImapHarness.ALICE) == 1);
                assertThat(third.command("c LOGIN alice@example.test \"secret pass\"")).contains("c OK");
                assertThat(server.connections.count(ImapHarness.ALICE)).isEqualTo(2);
            } finally {
                for (ImapHarness.Client c : clients) {
                    c.close();
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> server.connections.count(ImapHarness.ALICE) == 0
                    && server.connections.count(ImapHarness.BOB) == 0);
        }
    }

    @Test
    void aBurstIsAllowedThenCommandsAreRefusedThenTheFlooderIsDropped() throws Exception {
        // A fixed clock: the bucket never refills, so the counts are exact.
        Clock still = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        try (ImapHarness server = new ImapHarness(dir, limits(20, 10, 5, 3), still);
                ImapHarness.Client c = server.connect()) {
            c.greeting(); // STARTTLS and the NOOPs below: ten commands, the whole burst
            c.startTls();
            for (int i = 0; i < 9; i++) {
                assertThat(c.command("n" + i + " NOOP")).contains("n" + i + " OK");
            }
            assertThat(c.command("x1 NOOP")).contains("x1 NO [LIMIT]");
            // A refused command is not run.
            assertThat(c.command("x2 LOGIN alice@example.test \"secret pass\"")).contains("x2 NO [LIMIT]");
            assertThat(c.command("x3 NOOP")).contains("x3 NO [LIMIT]", "* BYE");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void theRateRefillsWithTime() throws Exception {
        HandClock clock = new HandClock(Instant.ofEpochMilli(1_700_000_000_000L));
        try (ImapHarness server = new ImapHarness(dir, limits(20, 3, 2, 5), clock);
                ImapHarness.Client c = server.connect()) {
            c.greeting();
            for (String tag : List.of("a", "b", "c")) {
                assertThat(c.command(tag + " NOOP")).contains(tag + " OK");
            }
            assertThat(c.command("d NOOP")).contains("d NO [LIMIT]");
            clock.advance(Duration.ofMillis(500)); // 2 per second: one more command
            assertThat(c.command("e NOOP")).contains("e OK");
            assertThat(c.command("f NOOP")).contains("f NO [LIMIT]");
            clock.advance(Duration.ofMinutes(1)); // never more than the burst
            for (String tag : List.of("g", "h", "i")) {
                assertThat(c.command(tag + " NOOP")).contains(tag + " OK");
            }
            assertThat(c.command("j NOOP")).contains("j NO [LIMIT]");
        }
    }

    @Test
    void limitsOutOfRangeAreRejected() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> limits(0, 10, 5, 3))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> limits(20, 0, 5, 3))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
