package org.bastionmail.tlsrpt;

import java.net.URI;
import org.bastionmail.mail.MailAddress;

/** Where a domain wants its TLS reports (RFC 8460 3 "rua"). */
public sealed interface ReportTarget {
    /** Mail the report to this address (RFC 8460 5.3), as a multipart/report with a gzip'd JSON part. */
    record Mailto(MailAddress address) implements ReportTarget {}

    /** POST the gzip'd report to this https URI (RFC 8460 5.4), content type application/tlsrpt+gzip. */
    record Https(URI uri) implements ReportTarget {}
}
