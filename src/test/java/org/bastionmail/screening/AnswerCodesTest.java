package org.bastionmail.screening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerCodesTest {
    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void anyLoopbackAnswerIsListedButTheRefusalCodesAndOthersAreNot() throws Exception {
        AnswerCodes any = AnswerCodes.any();
        assertThat(any.listed(ip("127.0.0.2"))).isTrue();
        assertThat(any.listed(ip("127.0.1.10"))).isTrue();
        // RFC 5782 keeps answers in 127/8; a hijacking resolver's advert server is not a listing
        assertThat(any.listed(ip("192.0.2.1"))).isFalse();
        assertThat(any.listed(ip("::1"))).isFalse();
        // list operators' "query refused" codes
        assertThat(any.listed(ip("127.255.255.254"))).isFalse();
        assertThat(any.listed(ip("127.255.255.252"))).isFalse();
        assertThat(AnswerCodes.refusal(ip("127.255.255.254"))).isTrue();
    }

    @Test
    void configuredRangesRestrictTheMeanings() throws Exception {
        AnswerCodes codes = AnswerCodes.parse(List.of("127.0.0.2-127.0.0.11", "127.0.1.4"));
        assertThat(codes.listed(ip("127.0.0.2"))).isTrue();
        assertThat(codes.listed(ip("127.0.0.11"))).isTrue();
        assertThat(codes.listed(ip("127.0.0.12"))).isFalse();
        assertThat(codes.listed(ip("127.0.1.4"))).isTrue();
        assertThat(AnswerCodes.parse(List.of("127.255.255.0-127.255.255.255")).listed(ip("127.255.255.254")))
                .as("refusal codes never count, even when configured").isFalse();
    }

    @Test
    void badRangesAreRefused() {
        for (String bad : List.of("10.0.0.1", "127.0.0.9-127.0.0.2", "127.0.0", "127.0.0.256", "zen.example",
                "127.0.0.1-", "::1", "0x7f.0.0.1")) {
            assertThatThrownBy(() -> AnswerCodes.parse(List.of(bad))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
