package org.bastionmail.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DmarcRecordParserTest {

    private static DmarcRecord valid(String txt) {
        DmarcRecordParser.Parsed parsed = DmarcRecordParser.parse(txt);
        assertThat(parsed).isInstanceOf(DmarcRecordParser.Valid.class);
        return ((DmarcRecordParser.Valid) parsed).record();
    }

    @Test
    void theRfcExampleRecord() {
        // RFC 7489 B.2.1
        DmarcRecord record = valid("v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com");
        assertThat(record.policy()).isEqualTo(DmarcRecord.Policy.NONE);
        assertThat(record.aggregateReports()).containsExactly("mailto:dmarc-feedback@example.com");
        assertThat(record.percent()).isEqualTo(100);
        assertThat(record.dkimAlignment()).isEqualTo(DmarcRecord.Alignment.RELAXED);
        assertThat(record.reportInterval()).isEqualTo(86_400);
    }

    @Test
    void everyTag() {
        DmarcRecord record = valid("v=DMARC1;p=Reject; sp=quarantine ; pct=25; adkim=s; aspf=r; "
                + "rua=mailto:a@example.com!10m, https://r.example.net/x; ruf=mailto:f@example.com; ri=3600; fo=1; rf=afrf");
        assertThat(record.policy()).isEqualTo(DmarcRecord.Policy.REJECT);
        assertThat(record.subdomainPolicy()).contains(DmarcRecord.Policy.QUARANTINE);
        assertThat(record.percent()).isEqualTo(25);
        assertThat(record.dkimAlignment()).isEqualTo(DmarcRecord.Alignment.STRICT);
        assertThat(record.spfAlignment()).isEqualTo(DmarcRecord.Alignment.RELAXED);
        assertThat(record.aggregateReports()).isEqualTo(List.of("mailto:a@example.com!10m", "https://r.example.net/x"));
        assertThat(record.failureReports()).containsExactly("mailto:f@example.com");
        assertThat(record.reportInterval()).isEqualTo(3600);
    }

    @Test
    void aMissingPolicyWithAValidRuaIsReadAsNone() {
        DmarcRecord record = valid("v=DMARC1; rua=mailto:a@example.com");
        assertThat(record.policy()).isEqualTo(DmarcRecord.Policy.NONE);
        assertThat(record.subdomainPolicy()).isEqualTo(Optional.empty());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "v=DMARC1",
        "v=DMARC1; p=block",
        "v=DMARC1; p=none; p=reject",
        "v=DMARC1; p=none; pct=101",
        "v=DMARC1; p=none; pct=-1",
        "v=DMARC1; p=none; adkim=x",
        "v=DMARC1; p=none; rua=not a uri",
        "v=DMARC1; p=none; sp=maybe",
        "v=DMARC1; p=none; ri=soon",
        "v=DMARC1; p=none; broken",
        "v=DMARC1; p=none; 9bad=1",
    })
    void invalidRecords(String txt) {
        assertThat(DmarcRecordParser.parse(txt)).isInstanceOf(DmarcRecordParser.Invalid.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v=spf1 -all", "p=reject; v=DMARC1", "v=DMARC10; p=none", "", "v=dmarc1; p=none"})
    void notDmarcAtAll(String txt) {
        assertThat(DmarcRecordParser.isDmarc(txt)).isFalse();
    }

    @Test
    void aHugeRecordIsRefused() {
        assertThat(DmarcRecordParser.parse("v=DMARC1; p=none; x=" + "a".repeat(5000)))
                .isInstanceOf(DmarcRecordParser.Invalid.class);
    }
}
