package org.bastionmail.reports;

import static org.assertj.core.api.Assertions.assertThat;

import org.bastionmail.mail.MailAddress;
import org.junit.jupiter.api.Test;

class DmarcTargetTest {
    @Test
    void mailtoWithAndWithoutSizeLimit() {
        assertThat(DmarcTarget.parse("mailto:dmarc@example.test")).contains(
                new DmarcTarget(MailAddress.parse("dmarc@example.test"), Long.MAX_VALUE));
        assertThat(DmarcTarget.parse("MAILTO:d@example.test!10m").orElseThrow().maxBytes()).isEqualTo(10L << 20);
        assertThat(DmarcTarget.parse("mailto:d@example.test!50k").orElseThrow().maxBytes()).isEqualTo(50L << 10);
        assertThat(DmarcTarget.parse("mailto:d@example.test!1234").orElseThrow().maxBytes()).isEqualTo(1234);
        assertThat(DmarcTarget.parse("mailto:d@example.test!999999999999999t").orElseThrow().maxBytes()).isEqualTo(Long.MAX_VALUE);
        assertThat(DmarcTarget.parse("mailto:d%2Bdmarc@example.test").orElseThrow().address().localPart()).isEqualTo("d+dmarc");
    }

    @Test
    void anythingThatIsNotOnePlainAddressIsRefused() {
        assertThat(DmarcTarget.parse("https://reports.example.test/dmarc")).isEmpty();
        assertThat(DmarcTarget.parse("mailto:a@example.test%0D%0ABcc:%20victim@example.net")).isEmpty();
        assertThat(DmarcTarget.parse("mailto:a@example.test?subject=hi")).isEmpty();
        assertThat(DmarcTarget.parse("mailto:a@example.test,b@example.test")).isEmpty();
        assertThat(DmarcTarget.parse("mailto:a@b@example.test")).isEmpty();
        assertThat(DmarcTarget.parse("mailto:a@localhost")).isEmpty();
        assertThat(DmarcTarget.parse("mailto:a@exa_mple.test")).isEmpty();
        assertThat(DmarcTarget.parse("mailto:%3Ca%3E@example.test")).isEmpty();
        assertThat(DmarcTarget.parse("mailto:a@example.test%")).isEmpty();
        assertThat(DmarcTarget.parse("mailto:" + "a".repeat(2000) + "@example.test")).isEmpty();
    }

    @Test
    void onlyARecordStartingWithTheDmarcVersionAuthorizes() {
        assertThat(ExternalDestinations.isDmarcRecord("v=DMARC1")).isTrue();
        assertThat(ExternalDestinations.isDmarcRecord("v=DMARC1; rua=mailto:x@example.test")).isTrue();
        assertThat(ExternalDestinations.isDmarcRecord("v=DMARC10")).isFalse();
        assertThat(ExternalDestinations.isDmarcRecord("v=spf1 -all")).isFalse();
        assertThat(ExternalDestinations.isDmarcRecord("p=none; v=DMARC1")).isFalse();
    }
}
