package org.bastionmail.screening;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.bastionmail.config.Config;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.testserver.StaticResolver;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.metrics.Metrics;
import org.bastionmail.net.Cidr;
import org.bastionmail.net.HandClock;
import org.bastionmail.smtp.ClientChecks;
import org.bastionmail.smtp.SmtpMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decisions of one session's screen, with DNS answers from a map and a hand-moved clock. */
class ScreeningTest {
    private static final MailAddress ALICE = MailAddress.parse("alice@example.test");
    private static final Optional<MailAddress> BOB = Optional.of(MailAddress.parse("bob@sender.test"));

    @TempDir
    Path dir;

    private final HandClock clock = new HandClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final Metrics metrics = new Metrics();
    private final AtomicInteger spfChecks = new AtomicInteger();

    /** A resolver that knows only the A records given ("fail": the lookup fails). */
    private static DnsResolver dns(Map<String, String> a) throws java.net.UnknownHostException {
        StaticResolver dns = new StaticResolver();
        for (Map.Entry<String, String> answer : a.entrySet()) {
            if (answer.getValue().equals("fail")) {
                dns.failing(answer.getKey());
            } else {
                dns.a(answer.getKey(), InetAddress.getByName(answer.getValue()));
            }
        }
        return dns;
    }

    private Screening screening(Config.Screening settings, Config.Defence defence, Map<String, String> answers)
            throws Exception {
        List<Cidr> trusted = List.of(Cidr.parse("10.0.0.0/8"));
        Optional<Greylist> greylist = settings.greylisting().enabled()
                ? Optional.of(Greylist.open(dir, settings.greylisting(), clock)) : Optional.empty();
        return new Screening(settings, defence, c -> trusted.stream().anyMatch(n -> n.contains(c)),
                new DnsLists(dns(answers), Screening.zones(settings.dnsbl()), Screening.zones(settings.dnswl()), clock),
                greylist, (client, sender, helo) -> {
                    spfChecks.incrementAndGet();
                    return sender.domain().equals("sender.test");
                }, Duration.ofSeconds(5), metrics, clock);
    }

    private static Config.Screening lists(int threshold) {
        return new Config.Screening(Duration.ofSeconds(1),
                List.of(new Config.Screening.DnsList("bl.test", 2, List.of()),
                        new Config.Screening.DnsList("other.test", 1, List.of("127.0.0.2"))),
                threshold, List.of(new Config.Screening.DnsList("wl.test", 1, List.of())),
                Config.Screening.Greylisting.off());
    }

    private static Config.Screening greylisting(List<String> spfDomains) {
        return new Config.Screening(Duration.ZERO, List.of(), 1, List.of(),
                new Config.Screening.Greylisting(true, Duration.ofMinutes(5), Duration.ofDays(2), Duration.ofDays(35),
                        1000, spfDomains));
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    private long count(String event) {
        return metrics.value(Screening.METRIC, "event", event);
    }

    @Test
    void aClientOnEnoughBlockListsIsRefusedAtRcptNamingTheLists() throws Exception {
        Screening screening = screening(lists(3), Config.Defence.defaults(), Map.of(
                "2.2.0.192.bl.test", "127.0.0.2", "2.2.0.192.other.test", "127.0.0.2",
                "3.2.0.192.bl.test", "127.0.0.2", "3.2.0.192.other.test", "127.0.0.9"));
        ClientChecks.Screen listed = screening.connected(ip("192.0.2.2"), SmtpMode.MX);
        assertThat(listed.rcpt(Optional.empty(), false, "mx.sender.test", BOB, ALICE)).contains(new ClientChecks.Refusal(
                "dnsbl", 554, "5.7.1", "Service unavailable; client [192.0.2.2] blocked using bl.test, other.test", true));
        assertThat(listed.rcpt(Optional.empty(), false, "mx.sender.test", BOB, MailAddress.parse("postmaster@example.test")))
                .as("the postmaster stays reachable").isEmpty();
        assertThat(screening.connected(ip("192.0.2.3"), SmtpMode.MX).rcpt(Optional.empty(), false, "h", BOB, ALICE))
                .as("weight 2 and an answer code not configured: below the threshold").isEmpty();
        assertThat(count("dnsbl")).isEqualTo(1);
    }

    @Test
    void anAllowListHitOverridesTheBlockListsAndTrustedOrAuthenticatedClientsAreNotLookedUp() throws Exception {
        Screening screening = screening(lists(1), Config.Defence.defaults(), Map.of(
                "4.2.0.192.bl.test", "127.0.0.2", "4.2.0.192.wl.test", "127.0.10.2", "1.0.0.10.bl.test", "127.0.0.2",
                "5.2.0.192.bl.test", "127.255.255.254", "6.2.0.192.bl.test", "fail"));
        assertThat(screening.connected(ip("192.0.2.4"), SmtpMode.MX).rcpt(Optional.empty(), false, "h", BOB, ALICE)).isEmpty();
        assertThat(count("dnswl")).isEqualTo(1);
        assertThat(screening.connected(ip("10.0.0.1"), SmtpMode.MX).rcpt(Optional.empty(), false, "h", BOB, ALICE)).isEmpty();
        assertThat(screening.connected(ip("192.0.2.5"), SmtpMode.MX).rcpt(Optional.empty(), false, "h", BOB, ALICE))
                .as("the list refused the query: not a listing").isEmpty();
        assertThat(screening.connected(ip("192.0.2.6"), SmtpMode.MX).rcpt(Optional.empty(), false, "h", BOB, ALICE))
                .as("a failing list fails open").isEmpty();
        assertThat(count("dnsbl")).isZero();
    }

    @Test
    void messagesPerClientAreLimitedAtMailAndRecipientsPerUserAtRcpt() throws Exception {
        Screening screening = screening(Config.Screening.defaults(), Config.Defence.defaults().withRates(2, 3), Map.of());
        ClientChecks.Screen client = screening.connected(ip("192.0.2.7"), SmtpMode.MX);
        assertThat(client.mail(Optional.empty())).isEmpty();
        assertThat(client.mail(Optional.empty())).isEmpty();
        assertThat(client.mail(Optional.empty())).contains(new ClientChecks.Refusal("message_rate", 450, "4.7.0",
                "Too much mail from your address, try again in 30 seconds", true));
        // a new connection of the same client is counted with the first
        assertThat(screening.connected(ip("192.0.2.7"), SmtpMode.MX).mail(Optional.empty())).isPresent();
        assertThat(screening.connected(ip("192.0.2.8"), SmtpMode.MX).mail(Optional.empty())).isEmpty();
        assertThat(screening.connected(ip("10.1.2.3"), SmtpMode.MX).mail(Optional.empty())).isEmpty();
        clock.advance(Duration.ofSeconds(30));
        assertThat(client.mail(Optional.empty())).isEmpty();
        assertThat(count("message_rate")).isEqualTo(2);

        ClientChecks.Screen submission = screening.connected(ip("10.0.0.9"), SmtpMode.SUBMISSION);
        for (int i = 0; i < 3; i++) {
            assertThat(submission.mail(Optional.of("alice@example.test"))).isEmpty();
            assertThat(submission.rcpt(Optional.of("alice@example.test"), true, "h", BOB, ALICE)).isEmpty();
        }
        assertThat(submission.rcpt(Optional.of("alice@example.test"), true, "h", BOB, ALICE)).contains(
                new ClientChecks.Refusal("recipient_rate", 450, "4.5.3", "Too many recipients per minute, try again in 20 seconds", true));
        assertThat(submission.rcpt(Optional.of("carol@example.test"), true, "h", BOB, ALICE)).isEmpty();
        assertThat(count("recipient_rate")).isEqualTo(1);
    }

    @Test
    void greylistingDefersUnknownTripletsWithoutCountingAnErrorAndSkipsSpfPassesOfAllowedDomains() throws Exception {
        Screening screening = screening(greylisting(List.of("sender.test")), Config.Defence.defaults(), Map.of());
        ClientChecks.Screen client = screening.connected(ip("192.0.2.9"), SmtpMode.MX);
        Optional<MailAddress> stranger = Optional.of(MailAddress.parse("eve@elsewhere.test"));
        assertThat(client.rcpt(Optional.empty(), false, "h", stranger, ALICE)).contains(new ClientChecks.Refusal(
                "greylist", 450, "4.7.1", "Greylisted, try again in 300 seconds", false));
        assertThat(client.rcpt(Optional.empty(), false, "h", BOB, ALICE)).as("SPF pass of an allowed domain").isEmpty();
        assertThat(client.rcpt(Optional.empty(), false, "h", BOB, MailAddress.parse("carol@example.test"))).isEmpty();
        assertThat(spfChecks).as("one SPF check per sender and session").hasValue(1);
        assertThat(client.rcpt(Optional.empty(), true, "h", stranger, ALICE)).as("relay clients").isEmpty();
        assertThat(client.rcpt(Optional.of("alice@example.test"), false, "h", stranger, ALICE)).as("authenticated").isEmpty();
        clock.advance(Duration.ofMinutes(5));
        assertThat(client.rcpt(Optional.empty(), false, "h", stranger, ALICE)).isEmpty();
        assertThat(count("greylisted")).isEqualTo(1);
        screening.close();
    }

    @Test
    void pregreetIsCheckedOnTheMxPortOnlyAndAPassIsRemembered() throws Exception {
        Screening screening = screening(Config.Screening.defaults(), Config.Defence.defaults(), Map.of());
        assertThat(screening.connected(ip("192.0.2.10"), SmtpMode.SUBMISSION).pregreetWait()).isEmpty();
        assertThat(screening.connected(ip("10.0.0.1"), SmtpMode.MX).pregreetWait()).as("trusted").isEmpty();
        ClientChecks.Screen first = screening.connected(ip("192.0.2.10"), SmtpMode.MX);
        assertThat(first.pregreetWait()).contains(Duration.ofSeconds(1));
        first.greeted();
        assertThat(screening.connected(ip("192.0.2.10"), SmtpMode.MX).pregreetWait()).isEmpty();

        ClientChecks.Screen robot = screening.connected(ip("192.0.2.11"), SmtpMode.MX);
        assertThat(robot.pregreetWait()).isPresent();
        robot.noticed(ClientChecks.Abuse.PREGREET);
        assertThat(screening.connected(ip("192.0.2.11"), SmtpMode.MX).pregreetWait()).isPresent();
        robot.noticed(ClientChecks.Abuse.PIPELINING);
        robot.noticed(ClientChecks.Abuse.PIPELINING);
        robot.noticed(ClientChecks.Abuse.ILLEGAL_COMMAND);
        assertThat(count("pregreet")).isEqualTo(1);
        assertThat(count("pipelining")).as("once per session").isEqualTo(1);
        assertThat(count("illegal_command")).isEqualTo(1);
        assertThat(metrics.render()).contains("bastion_screening_total{event=\"pregreet\"} 1");
    }
}
