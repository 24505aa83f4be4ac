package org.bastionmail.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Fuzz target for the {@code _smtp._tls} TXT record (RFC 8460 3): any text is a record with at least one
 * and at most ten usable report targets, or no record; never an exception.
 */
class TlsRptRecordFuzzTest {

    @FuzzTest
    void records(byte[] data) {
        if (data == null) {
            return;
        }
        String text = new String(data, StandardCharsets.UTF_8);
        Optional<TlsRptRecord> parsed = TlsRptRecord.parse(text);
        parsed.ifPresent(record -> {
            assertThat(text).startsWith("v=TLSRPTv1");
            assertThat(record.rua()).isNotEmpty().hasSizeLessThanOrEqualTo(10);
            assertThat(record.rua()).doesNotContainNull();
        });
        // select: one record among several TXT strings, never more than what parse allows
        Optional<TlsRptRecord> selected = TlsRptRecord.select(List.of(text.split("\n", 4)));
        selected.ifPresent(record -> assertThat(record.rua()).isNotEmpty().hasSizeLessThanOrEqualTo(10));
    }
}
