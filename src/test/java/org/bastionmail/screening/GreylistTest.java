package org.bastionmail.screening;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bastionmail.config.Config;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.net.HandClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GreylistTest {
    private static final Optional<MailAddress> SENDER = Optional.of(MailAddress.parse("bob@sender.test"));
    private static final MailAddress ALICE = MailAddress.parse("alice@example.test");

    @TempDir
    Path dir;

    private final HandClock clock = new HandClock(Instant.parse("2026-01-01T00:00:00Z"));

    private static Config.Screening.Greylisting settings(int maxEntries) {
        return new Config.Screening.Greylisting(true, Duration.ofMinutes(5), Duration.ofDays(2), Duration.ofDays(35),
                maxEntries, List.of());
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void firstAttemptIsDeferredARetryAfterTheDelayPassesAndTheTripletStaysKnownAcrossRestarts() throws Exception {
        try (Greylist greylist = Greylist.open(dir, settings(1000), clock)) {
            assertThat(greylist.check(ip("192.0.2.10"), SENDER, ALICE))
                    .isEqualTo(new Greylist.Decision.Defer(Duration.ofMinutes(5)));
            clock.advance(Duration.ofMinutes(2));
            assertThat(greylist.check(ip("192.0.2.10"), SENDER, ALICE))
                    .as("too early: still deferred, for the rest of the delay")
                    .isEqualTo(new Greylist.Decision.Defer(Duration.ofMinutes(3)));
        }
        clock.advance(Duration.ofMinutes(4));
        try (Greylist reopened = Greylist.open(dir, settings(1000), clock)) {
            // another address of the same /24, as a big sender's pool retries
            assertThat(reopened.check(ip("192.0.2.99"), SENDER, ALICE)).isInstanceOf(Greylist.Decision.Pass.class);
            assertThat(reopened.check(ip("192.0.3.10"), SENDER, ALICE)).as("another /24 is another triplet")
                    .isInstanceOf(Greylist.Decision.Defer.class);
            assertThat(reopened.check(ip("192.0.2.10"), Optional.empty(), ALICE)).as("the null sender is another")
                    .isInstanceOf(Greylist.Decision.Defer.class);
        }
        clock.advance(Duration.ofDays(30));
        try (Greylist reopened = Greylist.open(dir, settings(1000), clock)) {
            assertThat(reopened.check(ip("192.0.2.10"), Optional.of(MailAddress.parse("BOB@Sender.test")), ALICE))
                    .as("passed triplets survive a restart, case does not matter")
                    .isInstanceOf(Greylist.Decision.Pass.class);
        }
    }

    @Test
    void aRetryAfterTheWindowStartsAfreshAndAnUnusedPassExpires() throws Exception {
        try (Greylist greylist = Greylist.open(dir, settings(1000), clock)) {
            greylist.check(ip("198.51.100.1"), SENDER, ALICE);
            clock.advance(Duration.ofDays(3));
            assertThat(greylist.check(ip("198.51.100.1"), SENDER, ALICE)).isInstanceOf(Greylist.Decision.Defer.class);
            clock.advance(Duration.ofMinutes(6));
            assertThat(greylist.check(ip("198.51.100.1"), SENDER, ALICE)).isInstanceOf(Greylist.Decision.Pass.class);
            clock.advance(Duration.ofDays(36));
            assertThat(greylist.check(ip("198.51.100.1"), SENDER, ALICE)).isInstanceOf(Greylist.Decision.Defer.class);
        }
    }

    @Test
    void ipv6ClientsAreGroupedByTheirSlash64() throws Exception {
        try (Greylist greylist = Greylist.open(dir, settings(1000), clock)) {
            greylist.check(ip("2001:db8:1:2::1"), SENDER, ALICE);
            clock.advance(Duration.ofMinutes(6));
            assertThat(greylist.check(ip("2001:db8:1:2:ffff::9"), SENDER, ALICE)).isInstanceOf(Greylist.Decision.Pass.class);
            assertThat(greylist.check(ip("2001:db8:1:3::1"), SENDER, ALICE)).isInstanceOf(Greylist.Decision.Defer.class);
        }
    }

    @Test
    void aFloodOfTripletsStaysBoundedAndKeepsThePassedOnes() throws Exception {
        try (Greylist greylist = Greylist.open(dir, settings(100), clock)) {
            greylist.check(ip("203.0.113.1"), SENDER, ALICE);
            clock.advance(Duration.ofMinutes(6));
            assertThat(greylist.check(ip("203.0.113.1"), SENDER, ALICE)).isInstanceOf(Greylist.Decision.Pass.class);
            for (int i = 0; i < 2_000; i++) {
                MailAddress forged = new MailAddress("spam" + i, "random" + (i % 37) + ".test");
                assertThat(greylist.check(ip("198.18." + (i % 250) + ".1"), Optional.of(forged), ALICE))
                        .isInstanceOf(Greylist.Decision.Defer.class);
            }
            assertThat(greylist.size()).isLessThanOrEqualTo(101);
            assertThat(greylist.check(ip("203.0.113.1"), SENDER, ALICE))
                    .as("triplets that never passed are evicted first").isInstanceOf(Greylist.Decision.Pass.class);
        }
    }
}
