package org.bastionmail.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReportMailTest {
    @Test
    void longFieldsAreFoldedAtSpacesAndUnfoldToTheSameValue() {
        String subject = "Report Domain: a-rather-long-subdomain.of-a-long-policy-domain.example.test Submitter: "
                + "mx.bastion.test Report-ID: <2026-11-27_a-rather-long-subdomain.of-a-long-policy-domain.example.test@mx.bastion.test>";
        StringBuilder out = new StringBuilder();
        ReportMail.field(out, "Subject", subject);
        String field = out.toString();
        assertThat(field).endsWith("\r\n");
        for (String line : field.substring(0, field.length() - 2).split("\r\n")) {
            assertThat(line.length() <= 78 || !line.strip().contains(" ")).as(line).isTrue();
        }
        assertThat(field.substring("Subject: ".length(), field.length() - 2).replace("\r\n", "")).isEqualTo(subject);
    }

    @Test
    void aLineBreakInAValueIsRefused() {
        assertThatThrownBy(() -> ReportMail.field(new StringBuilder(), "To", "<a@example.test>\r\nBcc: b@example.test"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
