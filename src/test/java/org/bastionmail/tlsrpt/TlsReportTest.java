package org.bastionmail.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder's counts, their persistence, and the RFC 8460 4.3 report built from them. */
class TlsReportTest {
    private static final TlsPolicy STS = new TlsPolicy(PolicyType.STS,
            List.of("version: STSv1", "mode: testing", "mx: *.mail.company-y.example", "max_age: 86400"),
            "Company-Y.example", List.of("*.mail.company-y.example"));

    @TempDir
    Path dataDir;

    private final Instant now = Instant.parse("2026-11-26T15:00:00Z");

    private TlsResultRecorder recorder(Instant at) {
        return new TlsResultRecorder(dataDir, Clock.fixed(at, ZoneOffset.UTC));
    }

    @Test
    void countsPersistAndBecomeAReport() throws Exception {
        TlsResultRecorder recorder = recorder(now);
        FailureDetail expired = new FailureDetail(ResultType.CERTIFICATE_EXPIRED, Optional.of(InetAddress.ofLiteral("2001:db8:abcd:12::1")),
                Optional.of("mx1.mail.company-y.example"), Optional.empty(), Optional.of(InetAddress.ofLiteral("203.0.113.56")),
                Optional.of("see logs"), Optional.empty());
        recorder.success(STS);
        recorder.success(STS);
        recorder.failure(STS, expired);
        recorder.failure(STS, expired);
        recorder.failure(STS, FailureDetail.of(ResultType.STARTTLS_NOT_SUPPORTED, "mx2.mail.company-y.example"));
        recorder.success(TlsPolicy.none("other.example"));

        // a restart on the next day finds yesterday complete and its counts intact
        TlsResultRecorder later = recorder(now.plusSeconds(86_400));
        assertThat(later.finishedDays()).containsExactly(LocalDate.parse("2026-11-26"));
        assertThat(later.domains(LocalDate.parse("2026-11-26"))).containsExactly("company-y.example", "other.example");
        List<PolicyResult> results = later.results(LocalDate.parse("2026-11-26"), "company-y.example");
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.successes()).isEqualTo(2);
            assertThat(r.failures()).isEqualTo(3);
            assertThat(r.failureDetails()).contains(new PolicyResult.FailureCount(expired, 2));
        });

        TlsReport report = new TlsReportBuilder("Bastion Example", "mailto:tlsrpt@bastion.example", "mail.bastion.example")
                .build("company-y.example", LocalDate.parse("2026-11-26"), results);
        JsonNode json = new ObjectMapper().readTree(new GZIPInputStream(new ByteArrayInputStream(report.gzipped())).readAllBytes());
        assertThat(json.path("organization-name").asText()).isEqualTo("Bastion Example");
        assertThat(json.path("date-range").path("start-datetime").asText()).isEqualTo("2026-11-26T00:00:00Z");
        assertThat(json.path("date-range").path("end-datetime").asText()).isEqualTo("2026-11-26T23:59:59Z");
        assertThat(json.path("contact-info").asText()).isEqualTo("mailto:tlsrpt@bastion.example");
        assertThat(json.path("report-id").asText()).isEqualTo(report.reportId());
        JsonNode policy = json.path("policies").get(0);
        assertThat(policy.path("policy").path("policy-type").asText()).isEqualTo("sts");
        assertThat(policy.path("policy").path("policy-string")).hasSize(4);
        assertThat(policy.path("policy").path("policy-domain").asText()).isEqualTo("company-y.example");
        assertThat(policy.path("policy").path("mx-host").get(0).asText()).isEqualTo("*.mail.company-y.example");
        assertThat(policy.path("summary").path("total-successful-session-count").asLong()).isEqualTo(2);
        assertThat(policy.path("summary").path("total-failure-session-count").asLong()).isEqualTo(3);
        JsonNode detail = policy.path("failure-details").get(0);
        assertThat(detail.path("result-type").asText()).isEqualTo("certificate-expired");
        assertThat(detail.path("sending-mta-ip").asText()).isEqualTo("2001:db8:abcd:12:0:0:0:1");
        assertThat(detail.path("receiving-ip").asText()).isEqualTo("203.0.113.56");
        assertThat(detail.path("failed-session-count").asLong()).isEqualTo(2);
        assertThat(detail.has("receiving-mx-helo")).isFalse();
        assertThat(report.fileName()).isEqualTo("mail.bastion.example!company-y.example!1795651200!1795737599.json.gz");
        assertThat(report.subject()).startsWith("Report Domain: company-y.example Submitter: mail.bastion.example Report-ID: <");

        later.discard(LocalDate.parse("2026-11-26"), "company-y.example");
        later.discard(LocalDate.parse("2026-11-26"), "other.example");
        assertThat(later.finishedDays()).isEmpty();
        assertThat(recorder(now.plusSeconds(86_400)).results(LocalDate.parse("2026-11-26"), "company-y.example")).isEmpty();
    }

    @Test
    void todayIsNotFinished() {
        recorder(now).success(STS);
        assertThat(recorder(now).finishedDays()).isEmpty();
    }

    @Test
    void aFloodOfDistinctFailuresIsBounded() {
        TlsResultRecorder recorder = recorder(now);
        for (int i = 0; i < TlsResultRecorder.MAX_DETAILS + 50; i++) {
            recorder.failure(STS, FailureDetail.of(ResultType.VALIDATION_FAILURE, "mx" + i + ".company-y.example"));
        }
        for (int i = 0; i < TlsResultRecorder.MAX_POLICIES + 5; i++) {
            recorder.success(new TlsPolicy(PolicyType.TLSA, List.of("3 1 1 " + i), "company-y.example", List.of()));
        }
        List<PolicyResult> results = recorder.results(LocalDate.parse("2026-11-26"), "company-y.example");
        assertThat(results).hasSize(TlsResultRecorder.MAX_POLICIES);
        assertThat(results.getFirst().failures()).isEqualTo(TlsResultRecorder.MAX_DETAILS + 50);
        assertThat(results.getFirst().failureDetails()).hasSize(TlsResultRecorder.MAX_DETAILS);
    }

    @Test
    void hostileDomainNamesAndFilesAreHarmless() throws Exception {
        TlsResultRecorder recorder = recorder(now);
        recorder.success(TlsPolicy.none("../../etc"));
        recorder.success(TlsPolicy.none("a/b.example"));
        assertThat(recorder.domains(LocalDate.parse("2026-11-26"))).isEmpty();
        Files.createDirectories(dataDir.resolve("tlsrpt/2026-11-25"));
        Files.writeString(dataDir.resolve("tlsrpt/2026-11-25/broken.example.json"), "{\"policies\":[{\"policy\":{\"policy-type\":\"bogus\"}}]}");
        Files.createDirectories(dataDir.resolve("tlsrpt/not-a-day"));
        assertThat(recorder.finishedDays()).containsExactly(LocalDate.parse("2026-11-25"));
        assertThat(recorder.results(LocalDate.parse("2026-11-25"), "broken.example")).isEmpty();
    }
}
