package org.bastionmail.tlsrpt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;

/**
 * One aggregate report (RFC 8460 4), ready to send: the scheduler mails it (RFC 8460 5.3) or POSTs it
 * (RFC 8460 5.4) to each of the domain's report targets.
 *
 * @param reportId the report's "report-id"; the same day and domain always give the same id, so a
 *     receiver can drop a report sent twice after a crash
 * @param policyDomain the domain the report is about
 * @param submitter the host name of the sending MTA (RFC 8460 5.3 "TLS-Report-Submitter")
 * @param start the start of the reported period (inclusive)
 * @param end the end of the reported period
 * @param json the report as UTF-8 JSON
 */
public record TlsReport(String reportId, String policyDomain, String submitter, Instant start, Instant end, byte[] json) {
    /** RFC 8460 6.4: the media type of the compressed report, for both mail parts and HTTPS POSTs. */
    public static final String GZIP_MEDIA_TYPE = "application/tlsrpt+gzip";
    /** RFC 8460 5.3: the multipart/report report-type parameter. */
    public static final String REPORT_TYPE = "tlsrpt";

    public TlsReport {
        json = json.clone();
    }

    @Override
    public byte[] json() {
        return json.clone();
    }

    /** The report compressed with gzip (RFC 8460 5.1 says reports are gzip'd, RFC 1952). */
    public byte[] gzipped() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * RFC 8460 5.1: filename = sender "!" policy-domain "!" begin-timestamp "!" end-timestamp "." extension,
     * timestamps in seconds since the epoch.
     */
    public String fileName() {
        return submitter + "!" + policyDomain + "!" + start.getEpochSecond() + "!" + end.getEpochSecond() + ".json.gz";
    }

    /** RFC 8460 5.3: "Report Domain: ... Submitter: ... Report-ID: <...>". */
    public String subject() {
        return "Report Domain: " + policyDomain + " Submitter: " + submitter + " Report-ID: <" + reportId + ">";
    }
}
