package org.bastionmail.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz targets for DKIM's text formats, all read from hostile input: tag lists (RFC 6376 3.2), the
 * DKIM-Signature field value (3.5) and key records from DNS (3.6.1). The documented failure is
 * {@link DkimFailure}; anything else is a finding.
 */
class DkimRecordsFuzzTest {

    @FuzzTest
    void tagLists(byte[] data) {
        if (data == null) {
            return;
        }
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            TagList tags = TagList.parse(text);
            assertThat(tags.tags().size()).isLessThanOrEqualTo(TagList.MAX_TAGS);
            tags.tags().forEach((name, value) -> {
                assertThat(name).matches("[A-Za-z][A-Za-z0-9_]*");
                assertThat(value).doesNotContain(";");
                assertThat(value.length()).isLessThanOrEqualTo(TagList.MAX_VALUE);
            });
        } catch (DkimFailure documented) {
            assertThat(documented.getMessage()).isNotEmpty();
        }
    }

    @FuzzTest
    void signatures(byte[] data) {
        if (data == null) {
            return;
        }
        String value = new String(data, StandardCharsets.UTF_8);
        DkimSignature.Labels labels = DkimSignature.Labels.of(value); // for reports: never fails
        assertThat(labels.domain()).isNotNull();
        try {
            DkimSignature signature = DkimSignature.parse(value);
            assertThat(signature.domain()).isEqualTo(labels.domain());
            assertThat(signature.signedHeaders()).isNotEmpty().hasSizeLessThanOrEqualTo(DkimSignature.MAX_SIGNED_HEADERS);
            assertThat(signature.bodyLength().orElse(0)).isNotNegative();
        } catch (DkimFailure documented) {
            assertThat(documented.getMessage()).isNotEmpty();
        }
    }

    @FuzzTest
    void keyRecords(byte[] data) {
        if (data == null) {
            return;
        }
        String text = new String(data, StandardCharsets.UTF_8);
        for (DkimAlgorithm algorithm : DkimAlgorithm.values()) {
            try {
                KeyRecord key = KeyRecord.parse(text, algorithm);
                assertThat(key.keyType()).isEqualTo(algorithm.keyType());
                assertThat(key.key()).isNotNull();
            } catch (DkimFailure documented) {
                assertThat(documented.getMessage()).isNotEmpty();
            }
        }
    }
}
