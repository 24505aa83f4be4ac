package org.bastionmail.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** Fuzz target for DMARC records from DNS (RFC 7489 6.3, 6.4): every input is a Valid or an Invalid, never an exception. */
class DmarcRecordFuzzTest {

    @FuzzTest
    void records(byte[] data) {
        if (data == null) {
            return;
        }
        String txt = new String(data, StandardCharsets.UTF_8);
        DmarcRecordParser.Parsed parsed = DmarcRecordParser.parse(txt);
        switch (parsed) {
            case DmarcRecordParser.Valid valid -> {
                assertThat(DmarcRecordParser.isDmarc(txt)).isTrue();
                assertThat(valid.record().percent()).isBetween(0, 100);
                assertThat(valid.record().reportInterval()).isNotNegative();
                assertThat(valid.record().aggregateReports().size() + valid.record().failureReports().size())
                        .isLessThanOrEqualTo(txt.length());
            }
            case DmarcRecordParser.Invalid invalid -> assertThat(invalid.reason()).isNotEmpty();
        }
    }
}
