package org.bastionmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The two places hooks act: on the header section, and on the whole message before the reply. */
class MessageHooksSessionTest {

    /** Drops X-Forged fields, records what it saw, and answers with a verdict chosen by the test. */
    static final class RecordingHooks implements MessageHooks {
        HookVerdict verdict = HookVerdict.Accept.UNCHANGED;
        final List<String> seenContent = new ArrayList<>();
        final List<ReceivedMessage> seen = new ArrayList<>();

        @Override
        public byte[] filterHeader(Optional<String> account, byte[] headerFields) {
            String kept = new String(headerFields, StandardCharsets.ISO_8859_1).replaceAll("(?m)^X-Forged: [^\r]*\r\n", "");
            return kept.getBytes(StandardCharsets.ISO_8859_1);
        }

        @Override
        public HookVerdict afterData(ReceivedMessage message) throws IOException {
            seen.add(message);
            try (InputStream in = message.content().open()) {
                seenContent.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            return verdict;
        }
    }

    private static void send(SessionHarness h, String text) throws IOException {
        h.greetingAndEhlo();
        h.command("MAIL FROM:<a@remote.example>");
        h.command("RCPT TO:<alice@example.test>");
        h.command("DATA");
    }

    @Test
    void theHookSeesTheStoredTextAndItsHeadersArePrependedAtDelivery() throws Exception {
        RecordingHooks hooks = new RecordingHooks();
        hooks.verdict = new HookVerdict.Accept("Authentication-Results: mx.example.test; spf=pass\r\n", true);
        try (SessionHarness h = new SessionHarness(SmtpMode.MX, hooks)) {
            send(h, "");
            assertThat(h.command("Subject: hi\r\nX-Forged: yes\r\n\r\nbody\r\n.")).startsWith("250 2.0.0");
            assertThat(hooks.seenContent).singleElement().satisfies(text -> {
                assertThat(text).startsWith("Received: ");
                assertThat(text).contains("Subject: hi\r\n\r\nbody\r\n").doesNotContain("X-Forged");
            });
            assertThat(hooks.seen.getFirst().account()).isEmpty();
            assertThat(hooks.seen.getFirst().sender().orElseThrow().toString()).isEqualTo("a@remote.example");
            assertThat(h.onlyMessage().envelope().prependedHeaders()).isEqualTo("Authentication-Results: mx.example.test; spf=pass\r\n");
            assertThat(h.onlyMessage().envelope().junk()).isTrue();
            assertThat(h.onlyMessage().text()).doesNotContain("X-Forged");
        }
    }

    @Test
    void aRefusalIsTheReplyAndNothingIsQueued() throws Exception {
        RecordingHooks hooks = new RecordingHooks();
        hooks.verdict = new HookVerdict.Refuse(550, "5.7.1", "DMARC policy of example.com says reject");
        try (SessionHarness h = new SessionHarness(SmtpMode.MX, hooks)) {
            send(h, "");
            assertThat(h.command("Subject: hi\r\n\r\nbody\r\n.")).isEqualTo("550 5.7.1 DMARC policy of example.com says reject");
            assertThat(h.queue.committed).isEmpty();
            assertThat(h.command("NOOP")).startsWith("250");
        }
    }

    @Test
    void aDiscardIsAcknowledgedButNothingIsQueued() throws Exception {
        RecordingHooks hooks = new RecordingHooks();
        hooks.verdict = new HookVerdict.Discard("milter discarded the message");
        try (SessionHarness h = new SessionHarness(SmtpMode.MX, hooks)) {
            send(h, "");
            assertThat(h.command("Subject: hi\r\n\r\nbody\r\n.")).startsWith("250 2.0.0");
            assertThat(h.queue.committed).isEmpty();
            assertThat(hooks.seen.getFirst().queueId()).isPresent();
        }
    }

    @Test
    void aReplacedHeaderSectionIsStoredWithTheBodyKept() throws Exception {
        RecordingHooks hooks = new RecordingHooks();
        hooks.verdict = new HookVerdict.Accept("X-Spam-Score: 0.00\r\n", false,
                Optional.of("Subject: changed\r\nX-Virus-Status: Clean\r\n".getBytes(StandardCharsets.US_ASCII)));
        try (SessionHarness h = new SessionHarness(SmtpMode.MX, hooks)) {
            send(h, "");
            assertThat(h.command("Subject: hi\r\n\r\nbody\r\n.")).startsWith("250 2.0.0");
            assertThat(h.onlyMessage().text()).isEqualTo("Subject: changed\r\nX-Virus-Status: Clean\r\n\r\nbody\r\n");
            assertThat(h.onlyMessage().envelope().prependedHeaders()).isEqualTo("X-Spam-Score: 0.00\r\n");
        }
    }

    @Test
    void aTemporaryRefusal() throws Exception {
        RecordingHooks hooks = new RecordingHooks();
        hooks.verdict = new HookVerdict.Refuse(451, "4.7.5", "DNS failure while checking the sender, try again");
        try (SessionHarness h = new SessionHarness(SmtpMode.MX, hooks)) {
            send(h, "");
            assertThat(h.command("Subject: hi\r\n\r\nbody\r\n.")).startsWith("451 4.7.5");
            assertThat(h.queue.committed).isEmpty();
        }
    }

    @Test
    void aFailingHookIsALocalErrorNotASilentAccept() throws Exception {
        MessageHooks failing = new MessageHooks() {
            @Override
            public byte[] filterHeader(Optional<String> account, byte[] headerFields) {
                return headerFields;
            }

            @Override
            public HookVerdict afterData(ReceivedMessage message) throws IOException {
                throw new IOException("resolver exploded");
            }
        };
        try (SessionHarness h = new SessionHarness(SmtpMode.MX, failing)) {
            send(h, "");
            assertThat(h.command("Subject: hi\r\n\r\nbody\r\n.")).startsWith("451 4.3.0");
            assertThat(h.queue.committed).isEmpty();
        }
    }
}
