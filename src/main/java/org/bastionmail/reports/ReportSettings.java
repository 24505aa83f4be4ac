package org.bastionmail.reports;

import java.util.Locale;
import java.util.Objects;
import org.bastionmail.mail.MailAddress;

/**
 * Who the reports come from.
 *
 * @param hostname this server's host name: the TLS-RPT submitter and the DMARC receiver in file names,
 *     Subjects and report ids
 * @param organizationName RFC 8460 4.3 "organization-name", RFC 7489 C "org_name"
 * @param reportAddress the From: and MAIL FROM of report mail and the contact in the reports, e.g.
 *     postmaster of the primary domain; its domain's DKIM key signs them
 */
public record ReportSettings(String hostname, String organizationName, MailAddress reportAddress) {
    public ReportSettings {
        hostname = Objects.requireNonNull(hostname, "hostname").toLowerCase(Locale.ROOT);
        Objects.requireNonNull(organizationName, "organizationName");
        Objects.requireNonNull(reportAddress, "reportAddress");
        if (!DomainName.isPlain(hostname)) {
            throw new IllegalArgumentException("report host name must be an ASCII domain name: " + hostname);
        }
        if (!DomainName.isPlain(reportAddress.domain()) || reportAddress.needsQuoting()
                || reportAddress.localPart().chars().anyMatch(c -> c > 0x7e)) {
            throw new IllegalArgumentException("report address must be a plain ASCII address: " + reportAddress);
        }
        if (organizationName.isBlank() || organizationName.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("organization name must be one line of text");
        }
    }
}
