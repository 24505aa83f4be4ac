package org.bastionmail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MailboxNamesTest {
    @Test
    void modifiedUtf7RoundTripsRfc3501Examples() {
        // RFC 3501 5.1.3 example
        assertThat(MailboxNames.decodeUtf7("~peter/mail/&U,BTFw-/&ZeVnLIqe-")).isEqualTo("~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e");
        assertThat(MailboxNames.encodeUtf7("~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e")).isEqualTo("~peter/mail/&U,BTFw-/&ZeVnLIqe-");
        assertThat(MailboxNames.encodeUtf7("Tom & Jerry")).isEqualTo("Tom &- Jerry");
        assertThat(MailboxNames.decodeUtf7("Tom &- Jerry")).isEqualTo("Tom & Jerry");
    }

    @Test
    void brokenUtf7AndPathTricksAreRefused() {
        for (String bad : new String[] {"&Zm9v", "&@@@-", "caf\u00e9", "&AOk", "&-&AA-"}) {
            assertThatThrownBy(() -> MailboxNames.fromWire(bad, false)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        for (String bad : new String[] {"..", "a/../b", "/abs", "a/", "a//b", "a\u0001b", "back\\slash", "./x", "*", "a%"}) {
            assertThatThrownBy(() -> MailboxNames.fromWire(bad, true)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(MailboxNames.fromWire("inbox/Sub", true)).isEqualTo("INBOX/Sub");
        assertThat(MailboxNames.fromWire("Caf\u00e9", true)).isEqualTo("Caf\u00e9");
    }
}
