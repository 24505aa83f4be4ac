package org.bastionmail.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {
    @Test
    void hostsIpv4AndBracketedIpv6() {
        assertThat(HostPort.parse("clamd.internal:3310", "x")).isEqualTo(new HostPort("clamd.internal", 3310));
        assertThat(HostPort.parse("127.0.0.1:1", "x")).isEqualTo(new HostPort("127.0.0.1", 1));
        assertThat(HostPort.parse("[::1]:65535", "x")).isEqualTo(new HostPort("::1", 65535));
        assertThat(HostPort.parse("[::1]:11332", "x").unresolved().isUnresolved()).isTrue();
    }

    @Test
    void everyMalformedAddressIsRefusedWithWhatItWasFor() {
        for (String bad : new String[] {"", ":25", "host:", "host", "host:0", "host:65536", "host:-1", "host:2x5",
                "[]:25", "host:99999999999"}) {
            assertThatThrownBy(() -> HostPort.parse(bad, "a milter address")).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a milter address");
        }
    }
}
