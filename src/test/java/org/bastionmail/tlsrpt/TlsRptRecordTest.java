package org.bastionmail.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.bastionmail.mail.MailAddress;
import org.junit.jupiter.api.Test;

class TlsRptRecordTest {
    @Test
    void parsesTheRfcExamples() {
        // RFC 8460 3.1
        assertThat(TlsRptRecord.parse("v=TLSRPTv1;rua=mailto:reports@example.com")).get()
                .extracting(TlsRptRecord::rua).isEqualTo(List.of(new ReportTarget.Mailto(MailAddress.parse("reports@example.com"))));
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt")).get()
                .extracting(TlsRptRecord::rua).isEqualTo(List.of(new ReportTarget.Https(URI.create("https://reporting.example.com/v1/tlsrpt"))));
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a@example.com , https://r.example.net/x ; ext=1;")).get()
                .extracting(r -> r.rua().size()).isEqualTo(2);
    }

    @Test
    void unsupportedSchemesAreSkippedButNotAlone() {
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=http://insecure.example/, mailto:a@example.com")).get()
                .extracting(r -> r.rua().size()).isEqualTo(1);
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=http://insecure.example/")).isEmpty();
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=ftp://x.example/")).isEmpty();
    }

    @Test
    void refusesHostileRecords() {
        assertThat(TlsRptRecord.parse("v=TLSRPTv1")).isEmpty();
        assertThat(TlsRptRecord.parse("v=TLSRPTv2; rua=mailto:a@example.com")).isEmpty();
        assertThat(TlsRptRecord.parse("rua=mailto:a@example.com; v=TLSRPTv1")).isEmpty();
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=")).isEmpty();
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a@example.com,,mailto:b@example.com")).isEmpty();
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com")).isEmpty();
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a%0d%0aBcc:x@example.com")).isEmpty();
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:nodomain")).isEmpty();
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a@localhost")).isEmpty();
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=https://user:pw@r.example/")).isEmpty();
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a@example.com; " + "x".repeat(3000))).isEmpty();
        assertThat(TlsRptRecord.parse("v=TLSRPTv1; garbage")).isEmpty();
    }

    @Test
    void exactlyOneRecordCounts() {
        assertThat(TlsRptRecord.select(List.of("v=spf1 -all", "v=TLSRPTv1; rua=mailto:a@example.com"))).isPresent();
        assertThat(TlsRptRecord.select(List.of("v=TLSRPTv1; rua=mailto:a@example.com", "v=TLSRPTv1; rua=mailto:b@example.com")))
                .isEmpty();
        assertThat(TlsRptRecord.select(List.of("v=TLSRPTv1rua=mailto:a@example.com"))).isEmpty();
    }
}
