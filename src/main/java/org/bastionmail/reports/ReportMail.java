package org.bastionmail.reports;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.random.RandomGenerator;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.tlsrpt.TlsReport;

/**
 * Writes report mail as complete RFC 5322 messages, 7bit only: the reports themselves travel gzip'd in
 * base64 parts, and every name in the header was checked to be ASCII letters, digits, dots and hyphens.
 */
final class ReportMail {
    private static final HexFormat HEX = HexFormat.of();
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    /** RFC 5322 2.1.1: lines SHOULD stay within 78 characters. */
    private static final int FOLD_AT = 78;

    private final String hostname;
    private final MailAddress from;
    private final Clock clock;
    private final RandomGenerator random;

    ReportMail(String hostname, MailAddress from, Clock clock, RandomGenerator random) {
        this.hostname = hostname;
        this.from = from;
        this.clock = clock;
        this.random = random;
    }

    /**
     * RFC 8460 5.3: a multipart/report with report-type tlsrpt, the TLS-Report-Domain and
     * TLS-Report-Submitter fields, and the gzip'd JSON as an application/tlsrpt+gzip part.
     */
    byte[] tls(TlsReport report, MailAddress to) {
        String boundary = boundary();
        StringBuilder m = head(to, report.subject());
        field(m, "TLS-Report-Domain", report.policyDomain());
        field(m, "TLS-Report-Submitter", report.submitter());
        field(m, "MIME-Version", "1.0");
        field(m, "Content-Type", "multipart/report; report-type=\"" + TlsReport.REPORT_TYPE + "\"; boundary=\"" + boundary + "\"");
        m.append("\r\nThis is a multipart message in MIME format.\r\n");
        text(m, boundary, "This is an aggregate TLS report from " + report.submitter()
                + " about mail sent to " + report.policyDomain() + ".");
        attachment(m, boundary, TlsReport.GZIP_MEDIA_TYPE, report.fileName(), report.gzipped());
        m.append("\r\n--").append(boundary).append("--\r\n");
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** RFC 7489 7.2.1.1: the gzip'd XML as an application/gzip attachment, in a multipart/mixed. */
    byte[] dmarc(DmarcReport report, byte[] gzipped, MailAddress to) {
        String boundary = boundary();
        StringBuilder m = head(to, report.subject(hostname));
        field(m, "MIME-Version", "1.0");
        field(m, "Content-Type", "multipart/mixed; boundary=\"" + boundary + "\"");
        m.append("\r\nThis is a multipart message in MIME format.\r\n");
        text(m, boundary, "This is a DMARC aggregate report from " + hostname + " for " + report.policyDomain() + ".");
        attachment(m, boundary, "application/gzip", report.fileName(hostname), gzipped);
        m.append("\r\n--").append(boundary).append("--\r\n");
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private StringBuilder head(MailAddress to, String subject) {
        Instant now = clock.instant();
        StringBuilder m = new StringBuilder(4096);
        field(m, "From", "<" + from + ">");
        field(m, "To", "<" + to + ">");
        field(m, "Date", DATE.format(now));
        field(m, "Message-ID", "<" + Long.toString(now.toEpochMilli(), 36) + "." + HEX.toHexDigits(random.nextLong())
                + "@" + hostname + ">");
        field(m, "Subject", subject);
        // RFC 3834 5: machine-made mail; autoresponders must stay quiet.
        field(m, "Auto-Submitted", "auto-generated");
        return m;
    }

    private static void text(StringBuilder m, String boundary, String text) {
        m.append("\r\n--").append(boundary).append("\r\n");
        field(m, "Content-Type", "text/plain; charset=us-ascii");
        field(m, "Content-Transfer-Encoding", "7bit");
        m.append("\r\n").append(text).append("\r\n");
    }

    private static void attachment(StringBuilder m, String boundary, String type, String fileName, byte[] content) {
        m.append("\r\n--").append(boundary).append("\r\n");
        field(m, "Content-Type", type + "; name=\"" + fileName + "\"");
        field(m, "Content-Transfer-Encoding", "base64");
        field(m, "Content-Disposition", "attachment; filename=\"" + fileName + "\"");
        m.append("\r\n");
        // RFC 2045 6.8: base64 lines of at most 76 characters.
        m.append(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(content)).append("\r\n");
    }

    /**
     * Writes one field, folded to keep lines short (RFC 5322 2.2.3). Folding only puts a CRLF before a
     * space that is there anyway, so the unfolded value is the one given; a long word stays whole.
     */
    static void field(StringBuilder m, String name, String value) {
        if (value.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
            throw new IllegalArgumentException("header value not printable ASCII: " + name);
        }
        int lineLength = name.length() + 1;
        m.append(name).append(':');
        for (String word : value.split(" ")) {
            if (lineLength + 1 + word.length() > FOLD_AT && lineLength > name.length() + 1) {
                m.append("\r\n");
                lineLength = 0;
            }
            m.append(' ').append(word);
            lineLength += 1 + word.length();
        }
        m.append("\r\n");
    }

    /** A base64 body never contains "=_" or "-", so this boundary cannot occur in any part (RFC 2046 5.1.1). */
    private String boundary() {
        return "=_report-" + HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong());
    }
}
