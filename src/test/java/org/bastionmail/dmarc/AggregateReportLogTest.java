package org.bastionmail.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AggregateReportLogTest {
    @TempDir
    Path dataDir;

    private static DmarcRecord record() {
        return new DmarcRecord(DmarcRecord.Policy.REJECT, Optional.of(DmarcRecord.Policy.QUARANTINE), 50,
                DmarcRecord.Alignment.STRICT, DmarcRecord.Alignment.RELAXED, List.of("mailto:r@example.com"), List.of(), 86400);
    }

    @Test
    void recordsRoundTripPerDayAndATornLineIsSkipped() throws Exception {
        AggregateReportLog log = AggregateReportLog.open(dataDir);
        DmarcResult fail = new DmarcResult(DmarcResult.Verdict.FAIL, DmarcRecord.Policy.QUARANTINE, "example.com",
                Optional.of(record()), false, false, "no aligned pass");
        AggregateRecord entry = AggregateRecord.of("2026-11-27T10:00:00Z", "192.0.2.7", "example.com", "bounce.example.net",
                fail, List.of(new AggregateRecord.DkimAuth("example.net", "s1", "pass")),
                List.of(new AggregateRecord.SpfAuth("bounce.example.net", "mfrom", "pass"))).orElseThrow();
        LocalDate day = LocalDate.of(2026, 11, 27);
        log.append(day, entry);
        Files.writeString(dataDir.resolve("dmarc/records/2026-11-27.jsonl"), "{\"time\":\"cut sh", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        log.append(day, entry);

        assertThat(log.read(day)).containsExactly(entry, entry);
        assertThat(log.read(day.plusDays(1))).isEmpty();
        // p=reject applies to example.com itself; quarantine means it was sampled out
        assertThat(entry.reasons()).containsExactly("sampled_out");
        assertThat(entry.published().adkim()).isEqualTo("s");
        assertThat(entry.published().sp()).isEqualTo("quarantine");
    }

    @Test
    void noPolicyRecordMeansNoReportEntry() {
        DmarcResult none = new DmarcResult(DmarcResult.Verdict.NONE, DmarcRecord.Policy.NONE, "example.com",
                Optional.empty(), false, false, "no record");
        assertThat(AggregateRecord.of("t", "192.0.2.7", "example.com", "", none, List.of(), List.of())).isEmpty();
    }
}
