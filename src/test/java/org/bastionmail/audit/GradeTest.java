package org.bastionmail.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GradeTest {
    static Finding of(Severity severity) {
        return new Finding("x." + severity.label(), severity, "s", "t", "e", "f");
    }

    @Test
    void gradesFollowTheFindings() {
        assertThat(Grade.of(List.of())).isEqualTo(Grade.A_PLUS);
        assertThat(Grade.of(List.of(of(Severity.INFO), of(Severity.INFO)))).isEqualTo(Grade.A_PLUS);
        assertThat(Grade.of(List.of(of(Severity.LOW)))).isEqualTo(Grade.A);
        assertThat(Grade.of(List.of(of(Severity.MEDIUM)))).isEqualTo(Grade.A);
        assertThat(Grade.of(List.of(of(Severity.MEDIUM), of(Severity.MEDIUM)))).isEqualTo(Grade.B);
        assertThat(Grade.of(List.of(of(Severity.HIGH)))).isEqualTo(Grade.C);
        assertThat(Grade.of(Collections.nCopies(2, of(Severity.HIGH)))).isEqualTo(Grade.D);
        assertThat(Grade.of(Collections.nCopies(3, of(Severity.HIGH)))).isEqualTo(Grade.F);
        assertThat(Grade.of(List.of(of(Severity.LOW), of(Severity.CRITICAL)))).isEqualTo(Grade.F);
    }

    @Test
    void reportsSortMostSevereFirstAndApplyTheThreshold() {
        AuditReport report = new AuditReport("t", List.of(of(Severity.LOW), of(Severity.HIGH), of(Severity.INFO)), List.of());
        assertThat(report.findings()).extracting(Finding::severity).containsExactly(Severity.HIGH, Severity.LOW, Severity.INFO);
        assertThat(report.fails(Optional.of(Severity.HIGH))).isTrue();
        assertThat(report.fails(Optional.of(Severity.CRITICAL))).isFalse();
        assertThat(report.fails(Optional.empty())).isFalse();
        assertThat(Severity.parseThreshold("none")).isEmpty();
        assertThat(Severity.parseThreshold(" Medium ")).contains(Severity.MEDIUM);
        assertThatThrownBy(() -> Severity.parseThreshold("severe")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jsonCarriesEveryField() throws Exception {
        AuditReport report = new AuditReport("example.test", List.of(new Finding("spf.all.pass", Severity.CRITICAL, "SPF example.test",
                "+all", "TXT example.test \"v=spf1 +all\"", "use -all")), List.of("MX lookup failed"));
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ReportJson.render(report));
        assertThat(json.get("grade").asText()).isEqualTo("F");
        assertThat(json.get("findings").get(0).get("evidence").asText()).isEqualTo("TXT example.test \"v=spf1 +all\"");
        assertThat(json.get("errors").get(0).asText()).isEqualTo("MX lookup failed");
    }
}
