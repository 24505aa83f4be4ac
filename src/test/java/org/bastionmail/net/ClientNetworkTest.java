package org.bastionmail.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClientNetworkTest {
    @Test
    void ipv4IsTheAddressAndIpv6IsItsSlashSixtyFour() {
        assertThat(ClientNetwork.parse("192.0.2.7").text()).isEqualTo("192.0.2.7");
        assertThat(ClientNetwork.parse("2001:DB8:0:2::99").text()).isEqualTo("2001:db8:0:2::/64");
        assertThat(ClientNetwork.parse("2001:db8:0:2::/64")).isEqualTo(ClientNetwork.parse("2001:db8:0:2:1:2:3:4"));
        assertThat(ClientNetwork.parse("::ffff:192.0.2.7")).isEqualTo(ClientNetwork.parse("192.0.2.7"));
        assertThat(ClientNetwork.parse("2001:db8:0:2::/64").address()).isEqualTo(Cidr.literal("2001:db8:0:2::").orElseThrow());
    }

    @Test
    void namesAndGarbageAreRefusedWithoutALookup() {
        for (String bad : new String[] {"localhost", "mx.example.test", "192.0.2", "300.1.1.1", "192.0.2.1/64", "", "::g"}) {
            assertThatThrownBy(() -> ClientNetwork.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void cidrContainsItsRangeOnly() {
        Cidr loopback = Cidr.parse("127.0.0.0/8");
        assertThat(loopback.contains(Cidr.literal("127.1.2.3").orElseThrow())).isTrue();
        assertThat(loopback.contains(Cidr.literal("128.0.0.1").orElseThrow())).isFalse();
        assertThat(loopback.contains(Cidr.literal("::1").orElseThrow())).isFalse();
        assertThat(Cidr.parse("::1").contains(Cidr.literal("::1").orElseThrow())).isTrue();
        assertThat(Cidr.parse("10.1.2.3/16")).isEqualTo(Cidr.parse("10.1.0.0/16"));
        assertThat(Cidr.parse("10.1.2.3/16").toString()).isEqualTo("10.1.0.0/16");
        assertThat(Cidr.parse("0.0.0.0/0").contains(Cidr.literal("203.0.113.9").orElseThrow())).isTrue();
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }
}
