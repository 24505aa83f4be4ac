package org.bastionmail.ban;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bastionmail.net.Cidr;
import org.bastionmail.net.ClientNetwork;
import org.bastionmail.net.HandClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BanListTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final BanList.Settings SETTINGS = new BanList.Settings(3, Duration.ofMinutes(10),
            Duration.ofMinutes(15), Duration.ofHours(1), List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1")));

    @TempDir
    Path dir;
    private final HandClock clock = new HandClock(START);

    private static InetAddress ip(String text) {
        return ClientNetwork.parse(text).address().getAddress().length == 4
                ? ClientNetwork.parse(text).address()
                : literal(text);
    }

    private static InetAddress literal(String text) {
        try {
            return InetAddress.getByName(text); // literals only in this test
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private BanList open() throws Exception {
        return BanList.open(dir, SETTINGS, clock);
    }

    private void fail(BanList bans, String address, int times) {
        for (int i = 0; i < times; i++) {
            bans.failed(ip(address), "smtp");
        }
    }

    @Test
    void bansAfterNFailuresWithinTheWindow() throws Exception {
        BanList bans = open();
        fail(bans, "192.0.2.1", 2);
        assertThat(bans.blocks(ip("192.0.2.1"))).isFalse();
        bans.failed(ip("192.0.2.1"), "imap"); // failures of every protocol count together
        assertThat(bans.blocks(ip("192.0.2.1"))).isTrue();
        assertThat(bans.blocks(ip("192.0.2.2"))).isFalse();
        assertThat(bans.active()).singleElement().satisfies(b -> {
            assertThat(b.network()).isEqualTo(ClientNetwork.parse("192.0.2.1"));
            assertThat(b.until()).isEqualTo(START.plus(Duration.ofMinutes(15)));
            assertThat(b.strikes()).isEqualTo(1);
        });
    }

    @Test
    void failuresOutsideTheWindowAreForgotten() throws Exception {
        BanList bans = open();
        fail(bans, "192.0.2.1", 2);
        clock.advance(Duration.ofMinutes(11));
        fail(bans, "192.0.2.1", 2);
        assertThat(bans.blocks(ip("192.0.2.1"))).isFalse();
        bans.succeeded(ip("192.0.2.1"), "pop3"); // success forgives nothing
        fail(bans, "192.0.2.1", 1);
        assertThat(bans.blocks(ip("192.0.2.1"))).isTrue();
    }

    @Test
    void aBanExpiresAndTheNextOneLastsTwiceAsLongUpToTheMaximum() throws Exception {
        BanList bans = open();
        Duration[] expected = {Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofMinutes(60), Duration.ofMinutes(60)};
        for (Duration length : expected) {
            Instant bannedAt = clock.instant();
            fail(bans, "198.51.100.9", 3);
            assertThat(bans.active()).singleElement().extracting(BanList.Ban::until).isEqualTo(bannedAt.plus(length));
            clock.advance(length.minusSeconds(1));
            assertThat(bans.blocks(ip("198.51.100.9"))).isTrue();
            clock.advance(Duration.ofSeconds(1));
            assertThat(bans.blocks(ip("198.51.100.9"))).isFalse();
            assertThat(bans.active()).isEmpty();
        }
    }

    @Test
    void aClientIsForgivenItsPastBansLongAfterTheLast() throws Exception {
        BanList bans = open();
        fail(bans, "198.51.100.9", 3);
        clock.advance(Duration.ofMinutes(15).plus(SETTINGS.maxBan()).plusSeconds(1));
        fail(bans, "198.51.100.9", 3);
        assertThat(bans.active()).singleElement().extracting(BanList.Ban::strikes).isEqualTo(1);
    }

    @Test
    void anIpv6SlashSixtyFourIsBannedAsOne() throws Exception {
        BanList bans = open();
        bans.failed(ip("2001:db8:7:7::1"), "smtp");
        bans.failed(ip("2001:db8:7:7::2"), "imap");
        bans.failed(ip("2001:db8:7:7:ffff::3"), "pop3");
        assertThat(bans.blocks(ip("2001:db8:7:7::99"))).isTrue();
        assertThat(bans.blocks(ip("2001:db8:7:8::1"))).isFalse();
    }

    @Test
    void allowListedNetworksAreNeverBanned() throws Exception {
        BanList bans = open();
        fail(bans, "127.0.0.1", 10);
        fail(bans, "::1", 10);
        assertThat(bans.blocks(ip("127.0.0.1"))).isFalse();
        assertThat(bans.blocks(ip("::1"))).isFalse();
        assertThatThrownBy(() -> bans.ban(ClientNetwork.parse("127.0.0.5"), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allow list");
    }

    @Test
    void bansSurviveAReopen() throws Exception {
        BanList bans = open();
        fail(bans, "192.0.2.1", 3);
        bans.ban(ClientNetwork.parse("2001:db8::1"), Duration.ofDays(2));
        BanList reopened = open();
        assertThat(reopened.blocks(ip("192.0.2.1"))).isTrue();
        assertThat(reopened.blocks(ip("2001:db8::abc"))).isTrue();
        assertThat(reopened.active()).extracting(BanList.Ban::network).containsExactly(
                ClientNetwork.parse("192.0.2.1"), ClientNetwork.parse("2001:db8::/64"));
        // the count survives too: the next ban of the same client is longer
        clock.advance(Duration.ofMinutes(15));
        fail(reopened, "192.0.2.1", 3);
        assertThat(open().active()).filteredOn(b -> b.network().text().equals("192.0.2.1"))
                .singleElement().extracting(BanList.Ban::strikes).isEqualTo(2);
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).doesNotContain("bans.json.tmp");
    }

    @Test
    void anotherInstanceSeesAddsAndLiftsAndALiftStartsTheClientAfresh() throws Exception {
        BanList server = open();
        BanList command = open();
        fail(server, "192.0.2.1", 2);
        command.ban(ClientNetwork.parse("192.0.2.1"), Duration.ofHours(1));
        clock.advance(Duration.ofSeconds(2)); // the server looks at the file at most once a second
        assertThat(server.blocks(ip("192.0.2.1"))).isTrue();
        assertThat(command.lift(ClientNetwork.parse("192.0.2.1"))).isTrue();
        assertThat(command.lift(ClientNetwork.parse("192.0.2.1"))).isFalse();
        clock.advance(Duration.ofSeconds(2));
        assertThat(server.blocks(ip("192.0.2.1"))).isFalse();
        fail(server, "192.0.2.1", 1); // the two failures before the ban were forgotten with it
        assertThat(server.blocks(ip("192.0.2.1"))).isFalse();
    }

    @Test
    void aDamagedFileIsRefusedAtOpenAndBadEntriesAreSkipped() throws Exception {
        Files.writeString(dir.resolve("bans.json"), "{not json");
        assertThatThrownBy(this::open).isInstanceOf(java.io.IOException.class);
        Files.writeString(dir.resolve("bans.json"), """
                {"bans": [{"network": "localhost", "until": 1, "strikes": 1},
                          {"network": "192.0.2.1", "until": "soon", "strikes": 1},
                          {"network": "192.0.2.2", "until": %d, "strikes": 1}]}
                """.formatted(START.plusSeconds(60).getEpochSecond()));
        assertThat(open().active()).extracting(b -> b.network().text()).containsExactly("192.0.2.2");
    }
}
