package org.bastionmail.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OwnFieldsTest {
    private static String remove(String header) {
        return new String(OwnFields.remove(header.getBytes(StandardCharsets.ISO_8859_1), "X-Bastion-Virus-Scan"),
                StandardCharsets.ISO_8859_1);
    }

    @Test
    void forgedScanVerdictsAreRemovedAndEverythingElseKeptByteForByte() {
        assertThat(remove("From: a@example.org\r\nX-Bastion-Virus-Scan: clean\r\nSubject: hi\r\n"))
                .isEqualTo("From: a@example.org\r\nSubject: hi\r\n");
        assertThat(remove("x-bastion-virus-scan : clean\r\n\tfolded\r\nTo: b@example.org\r\n"))
                .isEqualTo("To: b@example.org\r\n");
        assertThat(remove("\u001cX-Bastion-Virus-Scan: clean\r\nTo: b@example.org\r\n")).isEqualTo("To: b@example.org\r\n");
        assertThat(remove("X-Bastion-Virus-Scanner: kept\r\nSubject: X-Bastion-Virus-Scan: clean\r\n"))
                .isEqualTo("X-Bastion-Virus-Scanner: kept\r\nSubject: X-Bastion-Virus-Scan: clean\r\n");
        assertThat(remove("")).isEmpty();
    }
}
