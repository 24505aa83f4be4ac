package org.bastionmail.filter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClamdReplyTest {
    @Test
    void okIsClean() {
        assertThat(ClamdReply.parse("stream: OK")).isEqualTo(new ScanResult.Clean());
    }

    @Test
    void foundNamesTheVirus() {
        assertThat(ClamdReply.parse("stream: Win.Test.EICAR_HDB-1 FOUND"))
                .isEqualTo(new ScanResult.Infected("Win.Test.EICAR_HDB-1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "INSTREAM size limit exceeded. ERROR",
        "stream: Can't allocate memory ERROR",
        "",
        "stream: OK ",
        " stream: OK",
        "stream: OK\n",
        "STREAM: OK",
        "stream: OKAY",
        "stream:OK",
        "OK",
        "stream:  FOUND",
        "stream: FOUND",
        "stream: two words FOUND",
        "stream: Eicar FOUND trailing",
        "stream: Eicar\r\nX-Injected: yes FOUND",
        "UNKNOWN COMMAND",
        "stream: OK\u0000stream: Eicar FOUND",
    })
    void anythingElseIsAFailureNeverClean(String reply) {
        assertThat(ClamdReply.parse(reply)).isInstanceOf(ScanResult.Failed.class);
    }

    @Test
    void failureReasonsAreSafeForAHeaderField() {
        var failed = (ScanResult.Failed) ClamdReply.parse("bad\r\nX-Evil: 1" + "x".repeat(500));
        assertThat(failed.reason()).doesNotContain("\r", "\n").hasSizeLessThan(200);
    }
}
