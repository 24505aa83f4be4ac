package org.bastionmail.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Fuzz targets for what MTA-STS reads from the network (RFC 8461): the policy file, the {@code _mta-sts}
 * TXT record, and the HTTP response that carries the policy. The documented failures are
 * {@link StsSyntaxException} and, for HTTP, an IOException; results stay within the grammar's limits.
 */
class StsFuzzTest {
    private static final int MAX_BODY = 4096;

    @FuzzTest
    void policies(byte[] data) {
        if (data == null) {
            return;
        }
        String body = new String(data, StandardCharsets.UTF_8);
        StsPolicy policy;
        try {
            policy = StsPolicy.parse(body);
        } catch (StsSyntaxException documented) {
            assertThat(documented.getMessage()).isNotEmpty();
            return;
        }
        assertThat(policy.mode()).isNotNull();
        assertThat(policy.mx().size()).isLessThanOrEqualTo(100);
        assertThat(policy.maxAge()).isBetween(Duration.ZERO, StsPolicy.MAX_AGE_LIMIT);
        for (String pattern : policy.mx()) {
            assertThat(pattern).isNotEmpty();
            if (pattern.startsWith("*.") && pattern.indexOf('.', 2) < 0) {
                continue; // "*.tld" is accepted but never matches (RFC 6125 7.2), by design
            }
            assertThat(policy.mxMatches(pattern.startsWith("*.") ? "a" + pattern.substring(1) : pattern))
                    .as("a policy matches its own mx " + pattern).isTrue();
        }
        // round trip: the policy's own lines, as RFC 8460 reports them, parse to the same policy
        StsPolicy again;
        try {
            again = StsPolicy.parse(String.join("\r\n", policy.lines()) + "\r\n");
        } catch (StsSyntaxException e) {
            throw new AssertionError("the lines of a valid policy do not parse: " + policy.lines(), e);
        }
        assertThat(again.mode()).isEqualTo(policy.mode());
        assertThat(again.mx()).isEqualTo(policy.mx());
        assertThat(again.maxAge()).isEqualTo(policy.maxAge());
    }

    @FuzzTest
    void records(byte[] data) {
        if (data == null) {
            return;
        }
        String text = new String(data, StandardCharsets.UTF_8);
        List<String> txt = List.of(text.split("\n", 4));
        try {
            StsRecord record = StsRecord.select(txt);
            assertThat(record.id()).isNotEmpty().hasSizeLessThanOrEqualTo(32);
            // round trip: the id, written back into a minimal record, reads the same
            assertThat(StsRecord.parse("v=STSv1; id=" + record.id()).id()).isEqualTo(record.id());
        } catch (StsSyntaxException documented) {
            assertThat(documented.getMessage()).isNotEmpty();
        }
    }

    @FuzzTest
    void httpResponses(byte[] data) {
        if (data == null) {
            return;
        }
        try {
            HttpResponseReader.Response response = new HttpResponseReader(new ByteArrayInputStream(data), MAX_BODY).read();
            assertThat(response.status()).isBetween(100, 599);
            assertThat(response.body().length).isLessThanOrEqualTo(MAX_BODY);
            assertThat(response.headers().size()).isLessThanOrEqualTo(100);
        } catch (IOException documented) {
            // BadResponse, a limit, or the end of the input
        }
    }
}
