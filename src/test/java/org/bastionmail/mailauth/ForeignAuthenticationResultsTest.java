package org.bastionmail.mailauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ForeignAuthenticationResultsTest {
    private static final String ID = "mx.example.org";

    private static String strip(String header) {
        return new String(ForeignAuthenticationResults.strip(header.getBytes(StandardCharsets.ISO_8859_1), ID),
                StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=a@bank.example\r\n",
        "authentication-results: MX.Example.ORG; dkim=pass header.d=bank.example\r\n",
        "Authentication-Results: mx.example.org 1; dkim=pass header.d=bank.example\r\n",
        "Authentication-Results: mx.example.org(version next) 1 ; dkim=pass\r\n",
        "Authentication-Results: (forged) (by (nested) comments) mx.example.org; dmarc=pass\r\n",
        "Authentication-Results:\r\n\tmx.example.org;\r\n\tspf=pass smtp.mailfrom=a@bank.example\r\n",
        "Authentication-Results:\r\n (comment\r\n  folded) mx.example.org\r\n ; spf=pass\r\n",
        "Authentication-Results: \"mx.example.org\"; spf=pass\r\n",
        "Authentication-Results: \"mx.ex\\ample.org\"; spf=pass\r\n",
        "Authentication-Results: mx.example.org.; spf=pass\r\n",
        "Authentication-Results: mx.example.org; none\r\n",
        "Authentication-Results: mx.example.org\r\n",
        "Authentication-Results : mx.example.org; spf=pass\r\n",
        "Authentication-Results:mx.example.org;spf=pass\n",
        "Authentication-Results: (unclosed mx.example.org; spf=pass\r\n",
        "Authentication-Results: mx.example.org\u00e9; spf=pass\r\n",
        "Authentication-Results: \" MX.example.org \"; spf=pass\r\n",
    })
    void fieldsClaimingOurIdAreRemoved(String forged) {
        String header = "Received: from a by b; Mon, 1 Jan 2024 00:00:00 +0000\r\n" + forged + "Subject: hi\r\n";
        assertThat(strip(header)).isEqualTo("Received: from a by b; Mon, 1 Jan 2024 00:00:00 +0000\r\nSubject: hi\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Authentication-Results: mx.example.org.evil; spf=pass\r\n",
        "Authentication-Results: evil.mx.example.org; spf=pass\r\n",
        "Authentication-Results: other.example; spf=pass smtp.mailfrom=x@mx.example.org\r\n",
        "Authentication-Results: (mx.example.org) other.example; spf=pass\r\n",
        "X-Authentication-Results: mx.example.org; spf=pass\r\n",
        "Authentication-Results-Original: mx.example.org; spf=pass\r\n",
        "ARC-Authentication-Results: i=1; mx.example.org; spf=pass\r\n",
    })
    void otherFieldsAreKeptByteForByte(String field) {
        String header = "From: a@b.example\r\n" + field + "Subject: caf\u00e9\r\n";
        assertThat(strip(header)).isEqualTo(header);
    }

    @Test
    void theBodyIsNeverTouched() {
        String message = "Subject: x\r\nAuthentication-Results: mx.example.org; spf=pass\r\n\r\n"
                + "Authentication-Results: mx.example.org; spf=pass\r\n";
        assertThat(strip(message)).isEqualTo("Subject: x\r\n\r\nAuthentication-Results: mx.example.org; spf=pass\r\n");
    }

    @Test
    void severalForgedFieldsAndAMissingFinalNewline() {
        String header = "Authentication-Results: mx.example.org; a=b\r\nAuthentication-Results: keep.example; a=b\r\n"
                + "Authentication-Results: MX.EXAMPLE.ORG; spf=pass";
        assertThat(strip(header)).isEqualTo("Authentication-Results: keep.example; a=b\r\n");
    }

    @Test
    void deepCommentsAreBoundedAndDoNotHideTheId() {
        String deep = "(".repeat(10_000) + ")".repeat(10_000);
        assertThat(strip("Authentication-Results: " + deep + " mx.example.org; spf=pass\r\n")).isEmpty();
        assertThat(strip("Authentication-Results: " + deep + " other.example; spf=pass\r\n")).isNotEmpty();
    }

    @Test
    void anEmptyIdIsRefused() {
        assertThatThrownBy(() -> ForeignAuthenticationResults.strip(new byte[0], " ")).isInstanceOf(IllegalArgumentException.class);
    }
}
