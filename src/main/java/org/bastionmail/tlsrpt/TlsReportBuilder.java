package org.bastionmail.tlsrpt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** Builds the JSON aggregate report of RFC 8460 4.3 for one policy domain and one UTC day. */
public final class TlsReportBuilder {
    private final String organizationName;
    private final String contactInfo;
    private final String submitter;

    /**
     * @param organizationName who sends the reports (RFC 8460 4.3 "organization-name")
     * @param contactInfo an address or URI for questions about them ("contact-info")
     * @param submitter this server's host name, used in the file name, subject and report id
     */
    public TlsReportBuilder(String organizationName, String contactInfo, String submitter) {
        this.organizationName = Objects.requireNonNull(organizationName, "organizationName");
        this.contactInfo = Objects.requireNonNull(contactInfo, "contactInfo");
        this.submitter = Objects.requireNonNull(submitter, "submitter").toLowerCase(Locale.ROOT);
    }

    public TlsReport build(String policyDomain, LocalDate day, List<PolicyResult> results) {
        Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(1);
        String domain = policyDomain.toLowerCase(Locale.ROOT);
        String reportId = day + "_" + domain + "@" + submitter;
        ObjectNode root = ReportJson.JSON.createObjectNode();
        root.put("organization-name", organizationName);
        ObjectNode range = root.putObject("date-range");
        // RFC 8460 4.3: RFC 3339 date-times; the RFC's example runs from 00:00:00Z to 23:59:59Z.
        range.put("start-datetime", start.toString());
        range.put("end-datetime", end.toString());
        root.put("contact-info", contactInfo);
        root.put("report-id", reportId);
        ArrayNode policies = root.putArray("policies");
        for (PolicyResult result : results) {
            policies.add(ReportJson.write(result));
        }
        try {
            return new TlsReport(reportId, domain, submitter, start, end, ReportJson.JSON.writeValueAsBytes(root));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
