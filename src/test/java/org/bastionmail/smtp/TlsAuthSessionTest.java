package org.bastionmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** STARTTLS (RFC 3207), AUTH (RFC 4954) and the submission rules (RFC 6409). */
class TlsAuthSessionTest {

    @Test
    void starttls_resets_state_and_reports_tls_in_received() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            assertThat(h.command("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS");
            h.clientTls();
            // RFC 3207 4.2: the EHLO before TLS is forgotten.
            assertThat(h.command("MAIL FROM:<a@remote.example>")).isEqualTo("503 5.5.1 Send EHLO first");
            String ehlo = h.command("EHLO client.example");
            assertThat(ehlo).doesNotContain("STARTTLS").contains("AUTH PLAIN");
            assertThat(h.command("STARTTLS")).startsWith("503 5.5.1");
            h.command("MAIL FROM:<a@remote.example>");
            h.command("RCPT TO:<alice@example.test>");
            h.command("DATA");
            assertThat(h.command("Subject: x\r\n\r\n.")).startsWith("250");
            assertThat(h.onlyMessage().text()).contains("with ESMTPS (" + h.tlsProtocol() + " TLS_");
        }
    }

    @Test
    void plaintext_pipelined_after_starttls_drops_the_connection() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            h.send("STARTTLS\r\nMAIL FROM:<injected@remote.example>\r\n");
            assertThat(h.reply()).startsWith("220 2.0.0");
            assertThat(h.closedByServer()).isTrue();
            assertThat(h.queue.committed).isEmpty();
        }
    }

    @Test
    void starttls_not_offered_without_tls_and_auth_refused_in_plaintext() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX, SessionHarness.limits(), false)) {
            assertThat(h.greetingAndEhlo()).doesNotContain("STARTTLS").doesNotContain("AUTH");
            assertThat(h.command("STARTTLS")).startsWith("502 5.5.1");
            assertThat(h.command("AUTH PLAIN " + SessionHarness.plain("alice@example.test", "secret")))
                    .isEqualTo("538 5.7.11 Encryption required for requested authentication mechanism");
        }
    }

    @Test
    void submission_requires_starttls_then_auth() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.SUBMISSION)) {
            h.greetingAndEhlo();
            assertThat(h.command("MAIL FROM:<alice@example.test>")).isEqualTo("530 5.7.0 Must issue STARTTLS first");
            h.command("STARTTLS");
            h.clientTls();
            h.command("EHLO client.example");
            assertThat(h.command("MAIL FROM:<alice@example.test>")).isEqualTo("530 5.7.0 Authentication required");
        }
    }

    @Test
    void auth_flows() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.SUBMISSIONS)) {
            h.greetingAndEhlo();
            assertThat(h.command("AUTH CRAM-MD5")).isEqualTo("504 5.5.4 Unrecognized authentication mechanism");
            assertThat(h.command("AUTH PLAIN")).isEqualTo("334 ");
            assertThat(h.command("*")).isEqualTo("501 5.0.0 Authentication cancelled");
            assertThat(h.command("AUTH PLAIN")).isEqualTo("334 ");
            assertThat(h.command("not base64!")).startsWith("501 5.5.2");
            assertThat(h.command("AUTH PLAIN =")).startsWith("501 5.5.2"); // empty response: malformed PLAIN
            assertThat(h.command("AUTH PLAIN " + SessionHarness.plain("alice@example.test", "wrong")))
                    .isEqualTo("535 5.7.8 Authentication credentials invalid");
            assertThat(h.sleeps).containsExactly(Duration.ofSeconds(1));
            assertThat(h.command("AUTH PLAIN")).isEqualTo("334 ");
            assertThat(h.command(SessionHarness.plain("alice@example.test", "secret"))).startsWith("235 2.7.0");
            assertThat(h.command("AUTH PLAIN " + SessionHarness.plain("alice@example.test", "secret")))
                    .startsWith("503 5.5.1");
            assertThat(h.command("EHLO again.example")).doesNotContain("AUTH");
            assertThat(h.command("MAIL FROM:<alice@example.test>")).startsWith("250");
        }
    }

    @Test
    void auth_during_transaction_is_refused() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.MX)) {
            h.greetingAndEhlo();
            h.command("STARTTLS");
            h.clientTls();
            h.command("EHLO client.example");
            h.command("MAIL FROM:<a@remote.example>");
            assertThat(h.command("AUTH PLAIN =")).isEqualTo("503 5.5.1 Bad sequence of commands");
        }
    }

    @Test
    void repeated_auth_failures_slow_down_then_drop() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.SUBMISSIONS)) {
            h.greetingAndEhlo();
            for (int i = 0; i < AuthPhase.MAX_FAILURES; i++) {
                assertThat(h.command("AUTH PLAIN " + SessionHarness.plain("alice@example.test", "guess" + i)))
                        .startsWith("535 5.7.8");
            }
            assertThat(h.reply()).startsWith("421 4.7.0");
            assertThat(h.closedByServer()).isTrue();
            assertThat(h.sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
        }
    }

    @Test
    void submission_sender_must_be_owned() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.SUBMISSIONS)) {
            h.loginAsAlice(false);
            assertThat(h.command("MAIL FROM:<bob@example.test>")).startsWith("553 5.7.1");
            assertThat(h.command("MAIL FROM:<sales@example.test>")).startsWith("250");
            // Authenticated users may relay; local recipients are still checked.
            assertThat(h.command("RCPT TO:<friend@elsewhere.example>")).startsWith("250");
            assertThat(h.command("RCPT TO:<nobody@example.test>")).startsWith("550 5.1.1");
            assertThat(h.command("RCPT TO:<user%elsewhere.example@example.test>")).startsWith("553 5.7.1");
        }
    }

    @Test
    void submission_from_header_must_be_owned() throws Exception {
        String[] refused = {
            "From: Bob <bob@example.test>",
            "From: alice@example.test, bob@example.test",
            "From: Friends: alice@example.test, bob@example.test;",
            "From: \"alice@example.test\" <bob@example.test>",
            "From: alice@example.test (alice@example.test)\r\nFrom: bob@example.test",
            "From:\r\n bob@example.test",
            "From: not an address",
            "Subject: no from at all",
        };
        for (String header : refused) {
            try (SessionHarness h = new SessionHarness(SmtpMode.SUBMISSIONS)) {
                h.loginAsAlice(false);
                h.command("MAIL FROM:<alice@example.test>");
                h.command("RCPT TO:<friend@elsewhere.example>");
                h.command("DATA");
                assertThat(h.command(header + "\r\n\r\nbody\r\n.")).as(header).startsWith("550 5.");
                assertThat(h.queue.committed).isEmpty();
            }
        }
    }

    @Test
    void submission_adds_message_id_and_date_and_received_names_the_user() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.SUBMISSIONS)) {
            h.loginAsAlice(false);
            h.command("MAIL FROM:<alice@example.test>");
            h.command("RCPT TO:<friend@elsewhere.example>");
            h.command("DATA");
            assertThat(h.command("From: \"Alice (Sales)\" <Sales@Example.Test> (work),\r\n\tAlice <alice@example.test>\r\n"
                    + "Subject: hi\r\n\r\nbody\r\n.")).startsWith("250 2.0.0");
            FakeQueue.Committed m = h.onlyMessage();
            assertThat(m.text()).containsPattern("\r\nMessage-ID: <[0-9a-f]{32}@mx\\.example\\.test>\r\n")
                    .contains("\r\nDate: Tue, 3 Jun 2025 10:00:00 +0000\r\n")
                    .contains("with ESMTPSA (TLSv1.")
                    .contains("(Authenticated sender: alice@example.test)");
            assertThat(m.envelope().authenticatedAccount()).contains("alice@example.test");
        }
    }

    @Test
    void submission_keeps_existing_message_id_and_date() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.SUBMISSIONS)) {
            h.loginAsAlice(false);
            h.command("MAIL FROM:<alice@example.test>");
            h.command("RCPT TO:<bob@example.test>");
            h.command("DATA");
            h.command("From: alice@example.test\r\nMessage-Id: <x@y>\r\nDATE: Mon, 2 Jun 2025 00:00:00 +0000\r\n\r\n.");
            String text = h.onlyMessage().text();
            assertThat(text).doesNotContain("Message-ID:").doesNotContain("\r\nDate:");
        }
    }

    @Test
    void submission_over_starttls_end_to_end() throws Exception {
        try (SessionHarness h = new SessionHarness(SmtpMode.SUBMISSION)) {
            h.loginAsAlice(true);
            h.command("MAIL FROM:<alice@example.test>");
            h.command("RCPT TO:<friend@elsewhere.example>");
            h.command("DATA");
            assertThat(h.command("From: alice@example.test\r\n\r\nhi\r\n.")).startsWith("250 2.0.0 OK queued as");
        }
    }
}
