package org.bastionmail.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for clamd's INSTREAM reply (issue 8: "parsed strictly"): only exactly {@code stream: OK} is
 * clean, only {@code stream: NAME FOUND} is a virus, everything else a failure whose reason is printable
 * and bounded (it goes into a log line and a header field). Never an exception.
 */
class ClamdReplyFuzzTest {

    @FuzzTest
    void replies(byte[] data) {
        if (data == null) {
            return;
        }
        String reply = new String(data, StandardCharsets.UTF_8);
        ScanResult result = ClamdReply.parse(reply);
        switch (result) {
            case ScanResult.Clean clean -> assertThat(reply).isEqualTo("stream: OK");
            case ScanResult.Infected infected -> {
                assertThat(reply).isEqualTo("stream: " + infected.name() + " FOUND");
                assertThat(infected.name()).hasSizeBetween(1, 200).matches("[\\x21-\\x7e]+");
            }
            case ScanResult.Failed failed -> {
                assertThat(reply).isNotEqualTo("stream: OK");
                assertThat(failed.reason()).matches("[\\x20-\\x7e]*").hasSizeLessThanOrEqualTo(200);
            }
        }
    }
}
