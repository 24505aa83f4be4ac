package org.bastionmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** REQUIRETLS (RFC 8689) on the receiving side: offered and accepted only under TLS, kept in the envelope. */
class RequireTlsSessionTest {

    @Test
    void offered_only_after_starttls_and_kept_in_the_envelope() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            assertThat(h.greetingAndEhlo()).doesNotContain("REQUIRETLS");
            h.command("STARTTLS");
            h.clientTls();
            assertThat(h.command("EHLO client.example")).contains("250-REQUIRETLS");
            assertThat(h.command("MAIL FROM:<a@remote.example> REQUIRETLS")).startsWith("250");
            h.command("RCPT TO:<alice@example.test>");
            h.command("DATA");
            assertThat(h.command("Subject: secret\r\n\r\n.")).startsWith("250");
            assertThat(h.onlyMessage().envelope().requireTls()).isTrue();
        }
    }

    @Test
    void refused_in_plaintext() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            // RFC 8689 2: "The session itself MUST employ TLS transmission."
            assertThat(h.command("MAIL FROM:<a@remote.example> REQUIRETLS"))
                    .isEqualTo("530 5.7.10 REQUIRETLS needs a TLS session");
            // no transaction was started by the refused MAIL
            assertThat(h.command("MAIL FROM:<a@remote.example>")).startsWith("250");
        }
    }

    @Test
    void refused_without_a_tls_listener_too() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX, SessionHarness.limits(), false)) {
            assertThat(h.greetingAndEhlo()).doesNotContain("REQUIRETLS");
            assertThat(h.command("mail from:<a@remote.example> requiretls")).startsWith("530 5.7.10");
        }
    }

    @Test
    void a_value_is_a_syntax_error_and_a_plain_message_is_not_tagged() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            h.command("STARTTLS");
            h.clientTls();
            h.command("EHLO client.example");
            assertThat(h.command("MAIL FROM:<a@remote.example> REQUIRETLS=YES")).startsWith("501 5.5.4");
            assertThat(h.command("MAIL FROM:<a@remote.example>")).startsWith("250");
            h.command("RCPT TO:<alice@example.test>");
            h.command("DATA");
            // RFC 8689 4.1: the TLS-Required field travels with the message as it came
            assertThat(h.command("TLS-Required: No\r\nSubject: x\r\n\r\n.")).startsWith("250");
            assertThat(h.onlyMessage().envelope().requireTls()).isFalse();
            assertThat(h.onlyMessage().text()).contains("TLS-Required: No");
        }
    }
}
