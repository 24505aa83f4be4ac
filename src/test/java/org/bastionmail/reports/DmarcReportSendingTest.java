package org.bastionmail.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.apache.james.mime4j.dom.Entity;
import org.bastionmail.dmarc.AggregateRecord;
import org.bastionmail.dmarc.AggregateReportLog;
import org.bastionmail.dmarc.PublicSuffixList;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.FileQueue;
import org.bastionmail.tlsrpt.TlsResultRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.xbill.DNS.Type;
import org.bastionmail.net.HandClock;

/** DMARC aggregate reports (RFC 7489 7.2) from the record log to the queue. */
class DmarcReportSendingTest {
    static final LocalDate DAY = LocalDate.of(2026, 11, 27);
    static Loopback loopback;

    @TempDir
    Path dataDir;
    HandClock clock;
    FileQueue queue;
    AggregateReportLog log;

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
        clock = new HandClock(Instant.parse("2026-11-28T00:30:00Z"));
        queue = FileQueue.open(dataDir);
        log = AggregateReportLog.open(dataDir);
    }

    ReportSender sender() throws IOException {
        return new ReportSender(dataDir, new TlsResultRecorder(dataDir, clock), loopback.resolver,
                PublicSuffixList.bundled(), queue,
                new ReportSettings("mx.bastion.test", "Bastion Test", MailAddress.parse("postmaster@bastion.test")),
                clock, Optional.empty(), (uri, type, body) -> {
                    throw new AssertionError("DMARC reports are never posted");
                });
    }

    static AggregateRecord.Published policy(String domain, String... rua) {
        return new AggregateRecord.Published(domain, "r", "s", "reject", "quarantine", 100, List.of(rua));
    }

    static AggregateRecord pass(AggregateRecord.Published policy, String ip) {
        return new AggregateRecord("2026-11-27T10:00:00Z", ip, policy.domain(), "bounce." + policy.domain(), policy, "none",
                true, false, List.of(), List.of(new AggregateRecord.DkimAuth(policy.domain(), "s1", "pass")),
                List.of(new AggregateRecord.SpfAuth("bounce." + policy.domain(), "mfrom", "softfail")));
    }

    static AggregateRecord fail(AggregateRecord.Published policy, String ip, String disposition, List<String> reasons) {
        return new AggregateRecord("2026-11-27T11:00:00Z", ip, policy.domain(), "", policy, disposition,
                false, false, reasons, List.of(), List.of());
    }

    @Test
    void oneReportPerDomainWithCountedRowsToEveryAuthorizedAddress() throws Exception {
        AggregateRecord.Published example = policy("example.test", "mailto:dmarc@example.test",
                "mailto:agg@reports.test!10m", "mailto:agg@other.test", "mailto:agg@nowhere.test",
                "https://reports.example.test/dmarc", "mailto:tiny@mail.example.test!10");
        for (int i = 0; i < 3; i++) {
            log.append(DAY, pass(example, "192.0.2.1"));
        }
        log.append(DAY, fail(example, "198.51.100.7", "reject", List.of()));
        log.append(DAY, fail(example, "198.51.100.7", "quarantine", List.of("sampled_out")));
        log.append(DAY, pass(policy("quiet.test"), "192.0.2.9")); // no rua: nobody to tell
        log.append(DAY.plusDays(1), pass(example, "203.0.113.5")); // today: later

        assertThat(sender().runOnce()).isEqualTo(2);
        List<QueuedMail> mails = QueuedMail.all(queue);
        // agg@other.test publishes no v=DMARC1 record, nowhere.test none at all (RFC 7489 7.1);
        // tiny@ is in the domain but its 10-byte limit is too small (RFC 7489 6.2)
        assertThat(mails).extracting(QueuedMail::recipient).containsExactly("agg@reports.test", "dmarc@example.test");
        assertThat(loopback.dns.queries("example.test._report._dmarc.reports.test", Type.TXT)).isPositive();
        assertThat(loopback.dns.queries("example.test._report._dmarc.mail.example.test", Type.TXT))
                .as("same organisational domain: no check").isZero();

        QueuedMail mail = mails.get(1);
        assertThat(mail.entry().envelope().sender()).contains(MailAddress.parse("postmaster@bastion.test"));
        assertThat(mail.message().getSubject()).isEqualTo(
                "Report Domain: example.test Submitter: mx.bastion.test Report-ID: <2026-11-27.example.test@mx.bastion.test>");
        assertThat(mail.message().getMimeType()).isEqualTo("multipart/mixed");
        Entity attachment = mail.parts().get(1);
        assertThat(attachment.getMimeType()).isEqualTo("application/gzip");
        long begin = DAY.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        assertThat(attachment.getFilename()).isEqualTo("mx.bastion.test!example.test!" + begin + "!" + (begin + 86399) + ".xml.gz");

        Document xml = parse(QueuedMail.gunzip(QueuedMail.content(attachment)));
        XPath x = XPathFactory.newInstance().newXPath();
        assertThat(x.evaluate("/feedback/report_metadata/org_name", xml)).isEqualTo("Bastion Test");
        assertThat(x.evaluate("/feedback/report_metadata/email", xml)).isEqualTo("postmaster@bastion.test");
        assertThat(x.evaluate("/feedback/report_metadata/report_id", xml)).isEqualTo("2026-11-27.example.test@mx.bastion.test");
        assertThat(x.evaluate("/feedback/report_metadata/date_range/begin", xml)).isEqualTo(Long.toString(begin));
        assertThat(x.evaluate("/feedback/report_metadata/date_range/end", xml)).isEqualTo(Long.toString(begin + 86399));
        assertThat(x.evaluate("/feedback/policy_published/domain", xml)).isEqualTo("example.test");
        assertThat(x.evaluate("/feedback/policy_published/aspf", xml)).isEqualTo("s");
        assertThat(x.evaluate("/feedback/policy_published/p", xml)).isEqualTo("reject");
        assertThat(x.evaluate("/feedback/policy_published/sp", xml)).isEqualTo("quarantine");
        assertThat(x.evaluate("/feedback/policy_published/pct", xml)).isEqualTo("100");
        assertThat(x.evaluate("count(/feedback/record)", xml)).isEqualTo("3");
        assertThat(x.evaluate("sum(/feedback/record/row/count)", xml)).as("today's message is not in it").isEqualTo("5");
        String passing = "/feedback/record[row/source_ip='192.0.2.1']";
        assertThat(x.evaluate(passing + "/row/count", xml)).isEqualTo("3");
        assertThat(x.evaluate(passing + "/row/policy_evaluated/disposition", xml)).isEqualTo("none");
        assertThat(x.evaluate(passing + "/row/policy_evaluated/dkim", xml)).isEqualTo("pass");
        assertThat(x.evaluate(passing + "/row/policy_evaluated/spf", xml)).isEqualTo("fail");
        assertThat(x.evaluate(passing + "/identifiers/header_from", xml)).isEqualTo("example.test");
        assertThat(x.evaluate(passing + "/identifiers/envelope_from", xml)).isEqualTo("bounce.example.test");
        assertThat(x.evaluate(passing + "/auth_results/dkim/selector", xml)).isEqualTo("s1");
        assertThat(x.evaluate(passing + "/auth_results/dkim/result", xml)).isEqualTo("pass");
        assertThat(x.evaluate(passing + "/auth_results/spf/scope", xml)).isEqualTo("mfrom");
        assertThat(x.evaluate(passing + "/auth_results/spf/result", xml)).isEqualTo("softfail");
        String sampled = "/feedback/record[row/policy_evaluated/disposition='quarantine']";
        assertThat(x.evaluate(sampled + "/row/count", xml)).isEqualTo("1");
        assertThat(x.evaluate(sampled + "/row/policy_evaluated/reason/type", xml)).isEqualTo("sampled_out");
        assertThat(x.evaluate(sampled + "/auth_results/spf/result", xml)).as("required element, no SPF result").isEqualTo("none");

        // nothing twice, not after a restart either; tomorrow's run sends the next day
        assertThat(sender().runOnce()).isZero();
        assertThat(sender().runOnce()).isZero();
        assertThat(queue.entries()).hasSize(2);
        clock.advance(Duration.ofDays(1));
        assertThat(sender().runOnce()).isEqualTo(2);
        assertThat(queue.entries()).hasSize(4);
    }

    @Test
    void anUnverifiableDestinationIsAskedAgainUntilTheRetryDaysEnd() throws Exception {
        log.append(DAY, pass(policy("example.test", "mailto:agg@flaky.test", "mailto:dmarc@example.test"), "192.0.2.1"));
        String check = "example.test._report._dmarc.flaky.test";
        assertThat(sender().runOnce()).isEqualTo(1);
        int asked = loopback.dns.queries(check, Type.TXT);
        assertThat(asked).isPositive();

        clock.advance(Duration.ofHours(1));
        assertThat(sender().runOnce()).as("the in-domain address is not mailed again").isZero();
        assertThat(loopback.dns.queries(check, Type.TXT)).isGreaterThan(asked);

        clock.advance(Duration.ofDays(4)); // past the retry days: this run is the last try
        sender().runOnce();
        asked = loopback.dns.queries(check, Type.TXT);
        clock.advance(Duration.ofHours(1));
        sender().runOnce();
        assertThat(loopback.dns.queries(check, Type.TXT)).as("given up").isEqualTo(asked);
        assertThat(queue.entries()).hasSize(1);
    }

    @Test
    void hostileRecordContentStaysWellFormedXml() throws Exception {
        AggregateRecord.Published example = policy("example.test", "mailto:dmarc@example.test");
        log.append(DAY, new AggregateRecord("t", "192.0.2.1", "example.test", "<evil>&\"]]>\u0001\u0000.test", example,
                "none", false, false, List.of(), List.of(new AggregateRecord.DkimAuth("a</domain><x>", "s\u0007", "pass")),
                List.of()));
        log.append(DAY, pass(policy("../../etc", "mailto:x@example.test"), "192.0.2.2"));
        assertThat(sender().runOnce()).isEqualTo(1);
        Entity attachment = QueuedMail.all(queue).getFirst().parts().get(1);
        Document xml = parse(QueuedMail.gunzip(QueuedMail.content(attachment)));
        XPath x = XPathFactory.newInstance().newXPath();
        assertThat(x.evaluate("/feedback/record/identifiers/envelope_from", xml)).isEqualTo("<evil>&\"]]>??.test");
        assertThat(x.evaluate("/feedback/record/auth_results/dkim/domain", xml)).isEqualTo("a</domain><x>");
    }

    static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }
}
