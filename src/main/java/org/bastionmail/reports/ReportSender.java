package org.bastionmail.reports;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.bastionmail.dmarc.AggregateReportLog;
import org.bastionmail.dmarc.PublicSuffixList;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.mailauth.SubmissionSigning;
import org.bastionmail.queue.MessageQueue;
import org.bastionmail.tlsrpt.TlsReportBuilder;
import org.bastionmail.tlsrpt.TlsResultRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the daily reports other domains asked for: TLS reports (RFC 8460) about our outbound sessions
 * and DMARC aggregate reports (RFC 7489 7.2) about the mail we received. A report covers one UTC day and
 * goes out once the day is over; what was sent is recorded on disk before the next target is tried, so
 * a restart sends nothing twice. Report mail enters the queue like any other outbound mail.
 */
public final class ReportSender {
    private static final Logger LOG = LoggerFactory.getLogger(ReportSender.class);
    /** Mail evaluated just before midnight may still be written to the old day: wait a little. */
    static final Duration GRACE = Duration.ofMinutes(5);
    static final Duration CHECK_EVERY = Duration.ofHours(1);
    private static final Duration FIRST_CHECK = Duration.ofMinutes(2);

    private final TlsReporting tls;
    private final DmarcReporting dmarc;
    private final Clock clock;
    private final Window window = Window.DEFAULT;

    /**
     * @param dataDir where the DMARC records are ({@link AggregateReportLog}) and where this keeps what
     *     it sent ({@code DATA/reports/})
     * @param tlsResults the recorder outbound delivery writes to (share the instance: discarding through
     *     it also frees its memory of the day)
     * @param signing DKIM-signs report mail with the keys of the report address's domain; RFC 8460 5.3
     *     requires TLS reports to be signed
     * @param poster delivers TLS reports to https: targets, e.g. {@link ReportPoster#http(Duration)}
     */
    public ReportSender(Path dataDir, TlsResultRecorder tlsResults, DnsResolver dns, PublicSuffixList suffixes,
            MessageQueue queue, ReportSettings settings, Clock clock, Optional<SubmissionSigning> signing,
            ReportPoster poster) throws IOException {
        Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        ReportMail mail = new ReportMail(settings.hostname(), settings.reportAddress(), clock, new SecureRandom());
        Outbox outbox = new Outbox(queue, settings.reportAddress(), settings.hostname(), signing, clock);
        TlsReportBuilder builder = new TlsReportBuilder(settings.organizationName(),
                "mailto:" + settings.reportAddress(), settings.hostname());
        this.tls = new TlsReporting(tlsResults, dns, builder, mail, outbox, poster, new Progress(dataDir, "tlsrpt"));
        this.dmarc = new DmarcReporting(AggregateReportLog.open(dataDir), new ExternalDestinations(dns, suffixes), mail,
                outbox, new Progress(dataDir, "dmarc"), settings);
    }

    /**
     * Sends the reports of every finished day not sent yet, and drops days too old to be worth sending.
     * Failures are logged; targets that failed for a temporary reason are tried again on later runs.
     *
     * @return how many reports were queued or posted
     */
    public int runOnce() {
        LocalDate today = LocalDate.ofInstant(clock.instant().minus(GRACE), ZoneOffset.UTC);
        int sent = 0;
        try {
            sent += tls.run(today, window);
        } catch (IOException | RuntimeException e) {
            LOG.warn("sending TLS reports failed: {}", e.toString());
        }
        try {
            sent += dmarc.run(today, window);
        } catch (IOException | RuntimeException e) {
            LOG.warn("sending DMARC reports failed: {}", e.toString());
        }
        if (sent > 0) {
            LOG.info("{} reports sent", sent);
        }
        return sent;
    }

    /**
     * Checks every hour from a couple of minutes after now; a day's reports go out on the first check
     * after it is over. Cancel the returned future (or shut the executor down) to stop.
     */
    public ScheduledFuture<?> start(ScheduledExecutorService executor) {
        return executor.scheduleWithFixedDelay(this::runOnce, FIRST_CHECK.toSeconds(), CHECK_EVERY.toSeconds(),
                TimeUnit.SECONDS);
    }
}
