package org.bastionmail.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.bastionmail.dkim.DkimAlgorithm;
import org.bastionmail.dkim.DkimKeys;
import org.bastionmail.dkim.DkimResult;
import org.bastionmail.dkim.DkimSigningKey;
import org.bastionmail.dkim.DkimVerdict;
import org.bastionmail.dkim.DkimVerifier;
import org.bastionmail.dmarc.PublicSuffixList;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.testserver.StaticResolver;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.mailauth.SubmissionSigning;
import org.bastionmail.queue.FileQueue;
import org.bastionmail.tlsrpt.FailureDetail;
import org.bastionmail.tlsrpt.PolicyType;
import org.bastionmail.tlsrpt.ResultType;
import org.bastionmail.tlsrpt.TlsPolicy;
import org.bastionmail.tlsrpt.TlsResultRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.bastionmail.net.HandClock;

/** TLS reports (RFC 8460 5) from the recorder's files to the queue and to an https target. */
class TlsReportSendingTest {
    static final Instant NOON_27 = Instant.parse("2026-11-27T12:00:00Z");
    static final LocalDate DAY = LocalDate.of(2026, 11, 27);
    static Loopback loopback;

    @TempDir
    Path dataDir;
    HandClock clock;
    FileQueue queue;
    TlsResultRecorder recorder;

    @BeforeAll
    static void servers() throws IOException {
        loopback = new Loopback();
    }

    @AfterAll
    static void stop() throws IOException {
        loopback.close();
    }

    @BeforeEach
    void setUp() throws IOException {
        loopback.posts.clear();
        loopback.status.set(200);
        clock = new HandClock(NOON_27);
        queue = FileQueue.open(dataDir);
        recorder = new TlsResultRecorder(dataDir, clock);
    }

    ReportSender sender() throws IOException {
        return new ReportSender(dataDir, recorder, loopback.resolver, PublicSuffixList.bundled(), queue,
                new ReportSettings("mx.bastion.test", "Bastion Test", MailAddress.parse("postmaster@bastion.test")),
                clock, Optional.of(new SubmissionSigning(dataDir, clock)), loopback.poster());
    }

    static TlsPolicy sts(String domain) {
        return new TlsPolicy(PolicyType.STS, List.of("version: STSv1", "mode: enforce", "mx: mx1." + domain, "max_age: 86400"),
                domain, List.of("mx1." + domain));
    }

    @Test
    void aFinishedDayIsMailedSignedAndPostedOnceAndTodayWaits() throws Exception {
        DkimSigningKey key = DkimKeys.generate(dataDir, "bastion.test", "s1", DkimAlgorithm.ED25519_SHA256);
        for (int i = 0; i < 3; i++) {
            recorder.success(sts("example.test"));
        }
        recorder.failure(sts("example.test"), FailureDetail.of(ResultType.CERTIFICATE_EXPIRED, "mx1.example.test"));

        assertThat(sender().runOnce()).as("the day is not over").isZero();
        assertThat(queue.entries()).isEmpty();
        assertThat(loopback.posts).isEmpty();

        clock.advance(Duration.ofDays(1));
        recorder.success(sts("example.test")); // today: not reported yet
        assertThat(sender().runOnce()).isEqualTo(2);

        List<QueuedMail> mails = QueuedMail.all(queue);
        assertThat(mails).hasSize(1);
        QueuedMail mail = mails.getFirst();
        assertThat(mail.recipient()).isEqualTo("tls@example.test");
        assertThat(mail.entry().envelope().sender()).contains(MailAddress.parse("postmaster@bastion.test"));
        assertThat(new String(mail.bytes(), StandardCharsets.US_ASCII)).startsWith("DKIM-Signature:");
        assertThat(mail.message().getFrom().getFirst().getAddress()).isEqualTo("postmaster@bastion.test");
        assertThat(mail.message().getTo().toString()).contains("tls@example.test");
        assertThat(mail.message().getDate()).isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(mail.message().getMessageId()).endsWith("@mx.bastion.test>");
        assertThat(mail.message().getSubject()).isEqualTo("Report Domain: example.test Submitter: mx.bastion.test "
                + "Report-ID: <2026-11-27_example.test@mx.bastion.test>");
        assertThat(mail.field("TLS-Report-Domain")).isEqualTo("example.test");
        assertThat(mail.field("TLS-Report-Submitter")).isEqualTo("mx.bastion.test");
        assertThat(mail.message().getMimeType()).isEqualTo("multipart/report");
        ContentTypeField type = (ContentTypeField) mail.message().getHeader().getField("Content-Type");
        assertThat(type.getParameter("report-type")).isEqualTo("tlsrpt");

        assertThat(mail.parts()).hasSize(2);
        assertThat(mail.parts().get(0).getMimeType()).isEqualTo("text/plain");
        Entity attachment = mail.parts().get(1);
        assertThat(attachment.getMimeType()).isEqualTo("application/tlsrpt+gzip");
        assertThat(attachment.getContentTransferEncoding()).isEqualTo("base64");
        assertThat(attachment.getDispositionType()).isEqualTo("attachment");
        long start = DAY.atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond();
        assertThat(attachment.getFilename()).isEqualTo("mx.bastion.test!example.test!" + start + "!" + (start + 86399) + ".json.gz");
        byte[] json = QueuedMail.gunzip(QueuedMail.content(attachment));
        JsonNode report = new ObjectMapper().readTree(json);
        assertThat(report.path("organization-name").asText()).isEqualTo("Bastion Test");
        assertThat(report.path("contact-info").asText()).isEqualTo("mailto:postmaster@bastion.test");
        assertThat(report.path("date-range").path("start-datetime").asText()).isEqualTo("2026-11-27T00:00:00Z");
        JsonNode policy = report.path("policies").get(0);
        assertThat(policy.path("policy").path("policy-type").asText()).isEqualTo("sts");
        assertThat(policy.path("summary").path("total-successful-session-count").asLong()).isEqualTo(3);
        assertThat(policy.path("summary").path("total-failure-session-count").asLong()).isEqualTo(1);
        assertThat(policy.path("failure-details").get(0).path("result-type").asText()).isEqualTo("certificate-expired");

        // RFC 8460 5.3: signed by the report address's domain; the signature verifies.
        DnsResolver keys = new StaticResolver().txt("s1._domainkey.bastion.test", key.dnsRecord());
        List<DkimResult> dkim = new DkimVerifier(keys, clock).verify(mail.bytes());
        assertThat(dkim).anyMatch(r -> r.verdict() == DkimVerdict.PASS);

        // RFC 8460 5.4: the same gzip'd report was POSTed to the https target
        assertThat(loopback.posts).hasSize(1);
        Loopback.Post post = loopback.posts.getFirst();
        assertThat(post.path()).isEqualTo("/v1/tlsrpt");
        assertThat(post.contentType()).isEqualTo("application/tlsrpt+gzip");
        assertThat(QueuedMail.gunzip(post.body())).isEqualTo(json);

        // sent data is gone, today's stays; nothing goes twice, not even after a restart
        assertThat(recorder.results(DAY, "example.test")).isEmpty();
        assertThat(recorder.results(DAY.plusDays(1), "example.test")).isNotEmpty();
        assertThat(sender().runOnce()).isZero();
        recorder = new TlsResultRecorder(dataDir, clock);
        assertThat(sender().runOnce()).isZero();
        assertThat(queue.entries()).hasSize(1);
        assertThat(loopback.posts).hasSize(1);
    }

    @Test
    void aFailedPostIsRetriedWithoutMailingAgain() throws Exception {
        recorder.success(sts("example.test"));
        clock.advance(Duration.ofDays(1));
        loopback.status.set(503);
        ReportSender sender = sender();
        assertThat(sender.runOnce()).as("only the mail").isEqualTo(1);
        assertThat(recorder.results(DAY, "example.test")).as("kept for the retry").isNotEmpty();

        loopback.status.set(200);
        clock.advance(Duration.ofHours(1));
        assertThat(sender().runOnce()).as("only the post").isEqualTo(1);
        assertThat(loopback.posts).hasSize(2);
        assertThat(queue.entries()).hasSize(1);
        assertThat(recorder.results(DAY, "example.test")).isEmpty();
    }

    @Test
    void aPostThatKeepsFailingIsGivenUpAfterTheRetryDays() throws Exception {
        recorder.success(sts("example.test"));
        clock.advance(Duration.ofDays(1));
        loopback.status.set(500);
        for (int day = 0; day < 3; day++) { // today = 28, 29, 30: within the retry days
            sender().runOnce();
            assertThat(recorder.results(DAY, "example.test")).isNotEmpty();
            clock.advance(Duration.ofDays(1));
        }
        int before = loopback.posts.size();
        sender().runOnce();
        assertThat(loopback.posts).hasSize(before + 1);
        assertThat(recorder.results(DAY, "example.test")).as("given up").isEmpty();
        assertThat(queue.entries()).hasSize(1);
    }

    @Test
    void noRecordMeansNoReportAndAFailedLookupMeansLater() throws Exception {
        recorder.success(TlsPolicy.none("norecord.test"));
        recorder.success(TlsPolicy.none("flaky.test"));
        recorder.success(TlsPolicy.none("mailonly.test"));
        clock.advance(Duration.ofDays(1));
        assertThat(sender().runOnce()).isEqualTo(1);
        assertThat(QueuedMail.all(queue)).extracting(QueuedMail::recipient).containsExactly("tls-reports@mailonly.test");
        assertThat(loopback.posts).isEmpty();
        assertThat(recorder.results(DAY, "norecord.test")).isEmpty();
        assertThat(recorder.results(DAY, "flaky.test")).as("SERVFAIL: asked again later").isNotEmpty();
    }

    @Test
    void daysTooOldAreDroppedUnsent() throws Exception {
        recorder.success(sts("example.test"));
        clock.advance(Duration.ofDays(9));
        assertThat(sender().runOnce()).isZero();
        assertThat(queue.entries()).isEmpty();
        assertThat(recorder.finishedDays()).isEmpty();
    }
}
