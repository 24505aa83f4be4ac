package org.bastionmail.reports;

import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bastionmail.dns.DnsResolver;
import org.bastionmail.dns.Lookup;
import org.bastionmail.tlsrpt.ReportTarget;
import org.bastionmail.tlsrpt.TlsReport;
import org.bastionmail.tlsrpt.TlsReportBuilder;
import org.bastionmail.tlsrpt.TlsResultRecorder;
import org.bastionmail.tlsrpt.TlsRptRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends each finished day's TLS reports (RFC 8460 5) to the policy domain's rua, then discards the day. */
final class TlsReporting {
    private static final Logger LOG = LoggerFactory.getLogger(TlsReporting.class);

    private final TlsResultRecorder results;
    private final DnsResolver dns;
    private final TlsReportBuilder builder;
    private final ReportMail mail;
    private final Outbox outbox;
    private final ReportPoster poster;
    private final Progress progress;

    TlsReporting(TlsResultRecorder results, DnsResolver dns, TlsReportBuilder builder, ReportMail mail, Outbox outbox,
            ReportPoster poster, Progress progress) {
        this.results = results;
        this.dns = dns;
        this.builder = builder;
        this.mail = mail;
        this.outbox = outbox;
        this.poster = poster;
        this.progress = progress;
    }

    /** Sends every day before {@code today}; returns how many reports went out. */
    int run(LocalDate today, Window window) throws IOException {
        int sent = 0;
        for (LocalDate day : results.finishedDays()) {
            if (!day.isBefore(today)) {
                continue;
            }
            for (String domain : results.domains(day)) {
                if (window.tooOld(day, today)) {
                    LOG.info("TLS report of {} for {} is too old to send: dropped", day, domain);
                    results.discard(day, domain);
                    continue;
                }
                if (!progress.complete(day, domain)) {
                    Attempt attempt = send(day, domain);
                    sent += attempt.sent();
                    if (attempt.pending() && !window.givesUp(day, today)) {
                        continue; // try the targets that failed on a later run
                    }
                    progress.finish(day, domain);
                }
                results.discard(day, domain);
            }
        }
        progress.prune(window.oldest(today));
        return sent;
    }

    private Attempt send(LocalDate day, String domain) throws IOException {
        Lookup<List<String>> lookup = dns.txt("_smtp._tls." + domain);
        if (lookup instanceof Lookup.Failed<List<String>> failed) {
            LOG.info("TLSRPT record of {} not found now ({}): will try again", domain, failed.reason());
            return new Attempt(0, true);
        }
        Optional<TlsRptRecord> record = lookup instanceof Lookup.Found<List<String>> found
                ? TlsRptRecord.select(found.records()) : Optional.empty();
        if (record.isEmpty()) {
            return new Attempt(0, false); // RFC 8460 3: no record, no report
        }
        TlsReport report = builder.build(domain, day, results.results(day, domain));
        Set<String> done = progress.done(day, domain);
        int sent = 0;
        boolean pending = false;
        for (ReportTarget target : record.get().rua()) {
            String key = key(target);
            if (done.contains(key)) {
                continue;
            }
            try {
                switch (target) {
                    case ReportTarget.Mailto mailto -> outbox.submit(mail.tls(report, mailto.address()), mailto.address());
                    case ReportTarget.Https https -> poster.post(https.uri(), TlsReport.GZIP_MEDIA_TYPE, report.gzipped());
                }
                progress.sent(day, domain, key);
                sent++;
            } catch (IOException | RuntimeException e) {
                LOG.warn("TLS report of {} for {} not sent to {}: {}", day, domain, key, e.getMessage());
                pending = true;
            }
        }
        return new Attempt(sent, pending);
    }

    private static String key(ReportTarget target) {
        return switch (target) {
            case ReportTarget.Mailto mailto -> "mailto:" + mailto.address().canonical();
            case ReportTarget.Https https -> https.uri().toASCIIString();
        };
    }
}
