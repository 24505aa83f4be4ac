package org.bastionmail.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.bastionmail.net.ConnectionLimits.Admission;
import org.junit.jupiter.api.Test;

class ConnectionLimitsTest {
    private final HandClock clock = new HandClock(Instant.parse("2026-01-01T00:00:00Z"));

    private static InetAddress ip(String text) {
        return Cidr.literal(text).orElseThrow();
    }

    private static Runnable admitted(Admission admission) {
        assertThat(admission).isInstanceOf(Admission.Admitted.class);
        return ((Admission.Admitted) admission).release();
    }

    @Test
    void limitsConnectionsPerAddressAndFreesTheSlotOnRelease() {
        ConnectionLimits limits = new ConnectionLimits(new ConnectionLimits.Settings(100, 2, 1000), clock);
        Runnable first = admitted(limits.admit(ip("192.0.2.1")));
        admitted(limits.admit(ip("192.0.2.1")));
        assertThat(limits.admit(ip("192.0.2.1"))).isInstanceOf(Admission.Refused.class)
                .extracting(a -> ((Admission.Refused) a).reason()).asString().contains("192.0.2.1");
        admitted(limits.admit(ip("192.0.2.2")));
        first.run();
        first.run(); // a second release must not free a slot it does not hold
        admitted(limits.admit(ip("192.0.2.1")));
        assertThat(limits.admit(ip("192.0.2.1"))).isInstanceOf(Admission.Refused.class);
        assertThat(limits.open()).isEqualTo(3);
    }

    @Test
    void anIpv6SlashSixtyFourIsOneClient() {
        ConnectionLimits limits = new ConnectionLimits(new ConnectionLimits.Settings(100, 2, 1000), clock);
        admitted(limits.admit(ip("2001:db8:1:2::1")));
        admitted(limits.admit(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")));
        assertThat(limits.admit(ip("2001:db8:1:2::abcd"))).isInstanceOf(Admission.Refused.class);
        admitted(limits.admit(ip("2001:db8:1:3::1")));
    }

    @Test
    void limitsTheTotalOverAllClients() {
        ConnectionLimits limits = new ConnectionLimits(new ConnectionLimits.Settings(3, 2, 1000), clock);
        Runnable a = admitted(limits.admit(ip("192.0.2.1")));
        admitted(limits.admit(ip("192.0.2.2")));
        admitted(limits.admit(ip("192.0.2.3")));
        assertThat(limits.admit(ip("192.0.2.4"))).isInstanceOf(Admission.Refused.class)
                .extracting(r -> ((Admission.Refused) r).reason()).asString().contains("in total");
        a.run();
        admitted(limits.admit(ip("192.0.2.4")));
    }

    @Test
    void connectionRateIsATokenBucketRefilledOverAMinute() {
        ConnectionLimits limits = new ConnectionLimits(new ConnectionLimits.Settings(100, 100, 6), clock);
        for (int i = 0; i < 6; i++) {
            admitted(limits.admit(ip("198.51.100.7"))).run();
        }
        assertThat(limits.admit(ip("198.51.100.7"))).isInstanceOf(Admission.Refused.class)
                .extracting(r -> ((Admission.Refused) r).reason()).asString().contains("rate");
        admitted(limits.admit(ip("198.51.100.8"))); // another client has its own bucket
        clock.advance(Duration.ofSeconds(9));
        assertThat(limits.admit(ip("198.51.100.7"))).isInstanceOf(Admission.Refused.class);
        clock.advance(Duration.ofSeconds(1)); // 6 per minute: one token every 10 s
        admitted(limits.admit(ip("198.51.100.7")));
        assertThat(limits.admit(ip("198.51.100.7"))).isInstanceOf(Admission.Refused.class);
        clock.advance(Duration.ofHours(1)); // a long pause refills to the burst size, no more
        for (int i = 0; i < 6; i++) {
            admitted(limits.admit(ip("198.51.100.7"))).run();
        }
        assertThat(limits.admit(ip("198.51.100.7"))).isInstanceOf(Admission.Refused.class);
    }

    @Test
    void exemptNetworksCountOnlyTowardsTheTotal() {
        ConnectionLimits limits = new ConnectionLimits(new ConnectionLimits.Settings(4, 1, 1), clock,
                java.util.List.of(Cidr.parse("127.0.0.0/8")));
        Runnable a = admitted(limits.admit(ip("127.0.0.1")));
        admitted(limits.admit(ip("127.0.0.1")));
        admitted(limits.admit(ip("127.0.0.1")));
        admitted(limits.admit(ip("192.0.2.1")));
        assertThat(limits.admit(ip("127.0.0.1"))).isInstanceOf(Admission.Refused.class);
        a.run();
        assertThat(limits.admit(ip("192.0.2.1"))).isInstanceOf(Admission.Refused.class); // its own limit still holds
        admitted(limits.admit(ip("127.0.0.1")));
    }

    @Test
    void aClockGoingBackwardsGrantsNothing() {
        ConnectionLimits limits = new ConnectionLimits(new ConnectionLimits.Settings(100, 100, 1), clock);
        admitted(limits.admit(ip("192.0.2.9"))).run();
        clock.advance(Duration.ofMinutes(-5));
        assertThat(limits.admit(ip("192.0.2.9"))).isInstanceOf(Admission.Refused.class);
    }

    @Test
    void settingsBelowOneAreRefused() {
        assertThatThrownBy(() -> new ConnectionLimits.Settings(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
