package org.bastionmail.filter.rspamd;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import org.bastionmail.filter.FilterVerdict;

/** Fuzz target for rspamd's /checkv2 JSON reply: a reply with a known action and finite scores, or an IOException. */
class RspamdReplyFuzzTest {

    @FuzzTest
    void replies(byte[] data) {
        if (data == null) {
            return;
        }
        RspamdReply reply;
        try {
            reply = RspamdReply.parse(data);
        } catch (IOException e) {
            return;
        }
        assertThat(Double.isFinite(reply.score())).isTrue();
        assertThat(reply.symbols().size()).isLessThanOrEqualTo(RspamdReply.MAX_SYMBOLS);
        reply.smtpMessage().ifPresent(m -> assertThat(m).matches("[\\x20-\\x7e]{1,200}"));
        FilterVerdict verdict = RspamdClient.verdict(reply);
        assertThat(verdict).isNotNull();
    }
}
