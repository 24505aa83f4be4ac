package org.bastionmail.reports;

import java.io.IOException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bastionmail.dmarc.AggregateRecord;
import org.bastionmail.dmarc.AggregateReportLog;
import org.bastionmail.io.CarrierOffload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each finished day's DMARC aggregate reports (RFC 7489 7.2) to the mailto: rua of every policy
 * domain that had mail, once per day, domain and address.
 */
final class DmarcReporting {
    private static final Logger LOG = LoggerFactory.getLogger(DmarcReporting.class);
    /** Not a domain name (no dot), so it cannot collide with a policy domain's progress file. */
    static final String WHOLE_DAY = "day-complete";
    /** RFC 7489 7.2: a record may list several addresses; more than this is not a reasonable request. */
    private static final int MAX_TARGETS = 10;

    private final AggregateReportLog log;
    private final ExternalDestinations destinations;
    private final ReportMail mail;
    private final Outbox outbox;
    private final Progress progress;
    private final ReportSettings settings;

    DmarcReporting(AggregateReportLog log, ExternalDestinations destinations, ReportMail mail, Outbox outbox,
            Progress progress, ReportSettings settings) {
        this.log = log;
        this.destinations = destinations;
        this.mail = mail;
        this.outbox = outbox;
        this.progress = progress;
        this.settings = settings;
    }

    /** Sends the reports of the days before {@code today} not sent yet; returns how many went out. */
    int run(LocalDate today, Window window) throws IOException {
        int sent = 0;
        for (LocalDate day = window.oldest(today); day.isBefore(today); day = day.plusDays(1)) {
            if (progress.complete(day, WHOLE_DAY)) {
                continue;
            }
            LocalDate d = day;
            List<AggregateRecord> records = CarrierOffload.call(() -> log.read(d));
            boolean allDone = true;
            for (DmarcReport report : DmarcReport.of(day, records)) {
                if (progress.complete(day, report.policyDomain())) {
                    continue;
                }
                Attempt attempt = send(report);
                sent += attempt.sent();
                if (attempt.pending() && !window.givesUp(day, today)) {
                    allDone = false;
                } else {
                    progress.finish(day, report.policyDomain());
                }
            }
            if (allDone) {
                progress.finish(day, WHOLE_DAY);
            }
        }
        progress.prune(window.oldest(today));
        return sent;
    }

    private Attempt send(DmarcReport report) throws IOException {
        Map<String, DmarcTarget> targets = new LinkedHashMap<>();
        for (String uri : report.published().rua()) {
            // RFC 7489 6.3: rua URIs of other schemes are for other kinds of delivery; ignore them.
            DmarcTarget.parse(uri).ifPresent(t -> {
                if (targets.size() < MAX_TARGETS) {
                    targets.putIfAbsent(t.address().canonical(), t);
                }
            });
        }
        if (targets.isEmpty()) {
            return new Attempt(0, false);
        }
        String domain = report.policyDomain();
        byte[] gzipped = DmarcXml.gzip(DmarcXml.write(report, settings.hostname(), settings.organizationName(),
                settings.reportAddress().toString()));
        Set<String> done = progress.done(report.day(), domain);
        int sent = 0;
        boolean pending = false;
        for (DmarcTarget target : targets.values()) {
            String key = "mailto:" + target.address().canonical();
            if (done.contains(key)) {
                continue;
            }
            switch (destinations.check(domain, target.address().domain())) {
                case REFUSED -> {
                    // RFC 7489 7.1: not confirmed by the destination, so the URI is ignored.
                    LOG.info("DMARC reports for {} not sent to {}: the destination does not accept them", domain, key);
                    continue;
                }
                case UNKNOWN -> {
                    LOG.info("DMARC report destination {} for {} could not be verified now: will try again", key, domain);
                    pending = true;
                    continue;
                }
                case AUTHORIZED -> { }
            }
            byte[] message = mail.dmarc(report, gzipped, target.address());
            if (message.length > target.maxBytes()) {
                // RFC 7489 6.2: a report larger than the size limit is not sent to that address.
                LOG.info("DMARC report for {} is {} bytes, over the limit of {}: not sent", domain, message.length, key);
                continue;
            }
            try {
                outbox.submit(message, target.address());
                progress.sent(report.day(), domain, key);
                sent++;
            } catch (IOException | RuntimeException e) {
                LOG.warn("DMARC report of {} for {} not queued for {}: {}", report.day(), domain, key, e.getMessage());
                pending = true;
            }
        }
        return new Attempt(sent, pending);
    }
}
