package org.bastionmail.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Fuzz targets for message header parsing: the header section (RFC 5322 2.2) and address lists
 * (3.4, the From: field that DMARC reads). Neither throws: a bad address list is an empty Optional.
 */
class MailParsersFuzzTest {

    @FuzzTest
    void addressLists(byte[] data) {
        if (data == null) {
            return;
        }
        String value = new String(data, StandardCharsets.UTF_8);
        Optional<List<MailAddress>> addresses = AddressList.parse(value);
        addresses.ifPresent(list -> {
            assertThat(list.size()).isLessThanOrEqualTo(value.length());
            for (MailAddress a : list) {
                assertThat(a.domain()).isNotEmpty();
                assertThat(a.localPart()).isNotNull();
            }
        });
    }

    @FuzzTest
    void headerSections(byte[] data) {
        if (data == null) {
            return;
        }
        HeaderSection header = HeaderSection.parse(data);
        assertThat(header.fields().size()).isLessThanOrEqualTo(data.length);
        for (HeaderSection.Field f : header.fields()) {
            assertThat(f.name()).isNotEmpty().doesNotContain(":").doesNotContain("\r\n");
            assertThat(f.value()).doesNotContain("\r\n");
            assertThat(header.has(f.name())).isTrue();
        }
    }
}
