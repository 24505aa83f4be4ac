package org.bastionmail.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VerdictTraceTest {

    @Test
    void aRefusalIsPutOnTheCheckItsEnhancedCodeNames() {
        // RFC 7372 3 codes, as AuthPolicy uses them; 5.7.1 is its DMARC rejection.
        assertThat(VerdictTrace.refusingCheck("5.7.20")).isEqualTo("dkim");
        assertThat(VerdictTrace.refusingCheck("5.7.23")).isEqualTo("spf");
        assertThat(VerdictTrace.refusingCheck("4.7.24")).isEqualTo("spf");
        assertThat(VerdictTrace.refusingCheck("5.7.25")).isEqualTo("iprev");
        assertThat(VerdictTrace.refusingCheck("4.7.25")).isEqualTo("iprev");
        assertThat(VerdictTrace.refusingCheck("5.7.1")).isEqualTo("dmarc");
        assertThat(VerdictTrace.refusingCheck("4.7.0")).isEqualTo("mailauth");
        assertThat(VerdictTrace.refusingCheck("")).isEqualTo("mailauth");
    }
}
