package org.bastionmail.filter.rspamd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.bastionmail.filter.FilterVerdict;
import org.junit.jupiter.api.Test;

class RspamdReplyTest {
    static RspamdReply parse(String json) throws IOException {
        return RspamdReply.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    // A reply of rspamd 3.4, shortened
    static final String ADD_HEADER = """
            {"is_skipped":false,"score":8.900000,"required_score":15.0,"action":"add header",
             "symbols":{"BASTION_TEST_MARKER":{"name":"BASTION_TEST_MARKER","score":8.0,"metric_score":8.0},
                        "MIME_GOOD":{"name":"MIME_GOOD","score":-0.100000,"options":["text/plain"]}},
             "messages":{},"message-id":"x@example.org","time_real":0.337987,"milter":{"remove_headers":{"X-Spam":0}}}
            """;

    @Test
    void aRealReplyIsRead() throws IOException {
        RspamdReply reply = parse(ADD_HEADER);
        assertThat(reply.action()).isEqualTo(RspamdReply.Action.ADD_HEADER);
        assertThat(reply.score()).isEqualTo(8.9);
        assertThat(reply.requiredScore()).isEqualTo(15.0);
        assertThat(reply.symbols()).containsExactly("BASTION_TEST_MARKER", "MIME_GOOD");
        assertThat(reply.smtpMessage()).isEmpty();
    }

    @Test
    void everyActionMapsOntoAVerdict() throws IOException {
        assertThat(verdict("no action")).isEqualTo(new FilterVerdict.Accept(
                List.of("X-Spam-Status: No, score=1.50 required=15.00", "X-Spam-Score: 1.50"), List.of(), false));
        FilterVerdict.Accept junk = new FilterVerdict.Accept(
                List.of("X-Spam: Yes", "X-Spam-Status: Yes, score=1.50 required=15.00", "X-Spam-Score: 1.50"), List.of(), true);
        assertThat(verdict("add header")).isEqualTo(junk);
        assertThat(verdict("rewrite subject")).isEqualTo(junk);
        assertThat(verdict("greylist")).isEqualTo(new FilterVerdict.Refuse(451, "4.7.1", "Try again later"));
        assertThat(verdict("soft reject")).isEqualTo(new FilterVerdict.Refuse(451, "4.7.1", "Try again later"));
        assertThat(verdict("reject")).isEqualTo(new FilterVerdict.Refuse(550, "5.7.1", "Spam message rejected"));
    }

    private static FilterVerdict verdict(String action) throws IOException {
        return RspamdClient.verdict(parse("{\"action\":\"" + action + "\",\"score\":1.5,\"required_score\":15}"));
    }

    @Test
    void rspamdsSmtpMessageIsUsedButSanitised() throws IOException {
        RspamdReply reply = parse("{\"action\":\"reject\",\"score\":15,\"required_score\":15,"
                + "\"messages\":{\"smtp_message\":\"Gtube pattern\\r\\n250 OK\"}}");
        assertThat(reply.smtpMessage()).isEqualTo(Optional.of("Gtube pattern??250 OK"));
        assertThat(RspamdClient.verdict(reply)).isEqualTo(new FilterVerdict.Refuse(550, "5.7.1", "Gtube pattern??250 OK"));
    }

    @Test
    void anythingElseIsAnErrorNeverNoAction() {
        for (String bad : List.of("", "null", "[]", "\"no action\"", "{}", "{\"action\":\"no action\"}",
                "{\"action\":\"discard\",\"score\":0,\"required_score\":15}",
                "{\"action\":\"No Action\",\"score\":0,\"required_score\":15}",
                "{\"action\":1,\"score\":0,\"required_score\":15}",
                "{\"action\":\"no action\",\"score\":\"0\",\"required_score\":15}",
                "{\"action\":\"no action\",\"score\":0,\"required_score\":15} {}",
                "{\"action\":\"no action\",\"action\":\"reject\",\"score\":0,\"required_score\":15}",
                "{\"action\":\"no action\",\"score\":0,\"required_score\":15,\"symbols\":[]}",
                "{\"action\":\"no action\",\"score\":0,\"required_score\":15,\"symbols\":{\"A B\":{}}}",
                "{\"action\":\"no action\",\"score\":0,\"required_score\":15,\"symbols\":{\"A\":{\"score\":\"x\"}}}",
                "{\"action\":\"no action\",\"score\":0,\"required_score\":15,\"messages\":{\"smtp_message\":1}}",
                "{\"action\":\"no action\",\"score\":1e999,\"required_score\":15}",
                "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]")) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(IOException.class);
        }
        byte[] huge = new byte[RspamdReply.MAX_BYTES + 1];
        assertThatThrownBy(() -> RspamdReply.parse(huge)).isInstanceOf(IOException.class);
    }
}
