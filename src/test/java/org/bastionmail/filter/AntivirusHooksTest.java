package org.bastionmail.filter;

import org.bastionmail.tracelog.TransactionTrace;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.bastionmail.smtp.HookVerdict;
import org.bastionmail.smtp.MessageHooks;
import org.bastionmail.smtp.ReceivedMessage;
import org.junit.jupiter.api.Test;

class AntivirusHooksTest {
    static ReceivedMessage message(byte[] content) {
        return new ReceivedMessage(InetAddress.getLoopbackAddress(), "client.example", Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), () -> new ByteArrayInputStream(content));
    }

    private static final ReceivedMessage MESSAGE = message("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));

    /** Wrapped hooks that accept with their own header field, into Junk, and mangle nothing. */
    static MessageHooks wrappedAccepting() {
        return new MessageHooks() {
            @Override
            public byte[] filterHeader(Optional<String> account, byte[] headerFields) {
                return "Filtered: yes\r\n".getBytes(StandardCharsets.US_ASCII);
            }

            @Override
            public HookVerdict afterData(ReceivedMessage message) {
                return new HookVerdict.Accept("Authentication-Results: test; spf=pass\r\n", true);
            }
        };
    }

    private static AntivirusHooks hooks(FakeClamd clamd, boolean failOpen) {
        return new AntivirusHooks(wrappedAccepting(),
                new AntivirusSettings(clamd.address(), Duration.ofSeconds(5), 1 << 20, failOpen));
    }

    @Test
    void cleanKeepsTheWrappedVerdictAndSaysSo() throws IOException {
        try (FakeClamd clamd = FakeClamd.replying("stream: OK")) {
            assertThat(hooks(clamd, false).afterData(MESSAGE)).isEqualTo(new HookVerdict.Accept(
                    "Authentication-Results: test; spf=pass\r\nX-Bastion-Virus-Scan: clean\r\n", true));
        }
    }

    @Test
    void virusIsRefusedPermanently() throws IOException {
        try (FakeClamd clamd = FakeClamd.replying("stream: Eicar-Test-Signature FOUND")) {
            for (boolean failOpen : new boolean[] {false, true}) {
                assertThat(hooks(clamd, failOpen).afterData(MESSAGE)).isEqualTo(
                        new HookVerdict.Refuse(554, "5.7.1", "Message contains a virus (Eicar-Test-Signature)"));
            }
        }
    }

    @Test
    void verdictsGoToTheTransactionLog() throws IOException {
        for (var c : List.of(new Object[] {"stream: OK", false, "clean", false},
                new Object[] {"stream: Eicar-Test-Signature FOUND", false, "infected", true},
                new Object[] {"INSTREAM size limit exceeded. ERROR", false, "failed", true},
                new Object[] {"INSTREAM size limit exceeded. ERROR", true, "failed", false})) {
            try (FakeClamd clamd = FakeClamd.replying((String) c[0])) {
                TransactionTrace trace = TransactionTrace.detached();
                ReceivedMessage message = new ReceivedMessage(MESSAGE.client(), MESSAGE.helo(), MESSAGE.sender(),
                        MESSAGE.recipients(), MESSAGE.account(), MESSAGE.tls(), MESSAGE.content(), trace);
                hooks(clamd, (Boolean) c[1]).afterData(message);
                assertThat(trace.checks()).singleElement().satisfies(check -> {
                    assertThat(check.name()).isEqualTo("antivirus");
                    assertThat(check.result()).isEqualTo(c[2]);
                    assertThat(check.refused()).isEqualTo(c[3]);
                });
            }
        }
    }

    @Test
    void failClosedDefers() throws IOException {
        try (FakeClamd clamd = FakeClamd.replying("INSTREAM size limit exceeded. ERROR")) {
            assertThat(hooks(clamd, false).afterData(MESSAGE))
                    .isEqualTo(new HookVerdict.Refuse(451, "4.3.0", "Virus scanner unavailable, try again later"));
        }
    }

    @Test
    void failOpenAcceptsWithAFailedField() throws IOException {
        try (FakeClamd clamd = new FakeClamd((socket, c) -> {})) { // hangs up at once
            var verdict = (HookVerdict.Accept) hooks(clamd, true).afterData(MESSAGE);
            assertThat(verdict.junk()).isTrue();
            assertThat(verdict.prependedHeaders())
                    .startsWith("Authentication-Results: test; spf=pass\r\nX-Bastion-Virus-Scan: failed (")
                    .endsWith(")\r\n")
                    .doesNotContain("clean");
            assertThat(verdict.prependedHeaders().lines()).hasSize(2);
        }
    }

    @Test
    void failOpenFieldCannotBeInjectedByClamd() throws IOException {
        try (FakeClamd clamd = FakeClamd.replying("oops\r\nX-Bastion-Virus-Scan: clean")) {
            var verdict = (HookVerdict.Accept) hooks(clamd, true).afterData(MESSAGE);
            assertThat(verdict.prependedHeaders().lines()).hasSize(2);
            assertThat(verdict.prependedHeaders().lines().toList().getLast()).startsWith("X-Bastion-Virus-Scan: failed (");
        }
    }

    @Test
    void refusalByTheWrappedHooksStandsAndNothingIsScanned() throws IOException {
        HookVerdict refused = new HookVerdict.Refuse(550, "5.7.23", "SPF fail");
        MessageHooks refusing = new MessageHooks() {
            @Override
            public byte[] filterHeader(Optional<String> account, byte[] headerFields) {
                return headerFields;
            }

            @Override
            public HookVerdict afterData(ReceivedMessage message) {
                return refused;
            }
        };
        try (FakeClamd clamd = FakeClamd.replying("stream: OK")) {
            var hooks = new AntivirusHooks(refusing, new ClamdClient(clamd.address(), Duration.ofSeconds(5), 1000), false);
            assertThat(hooks.afterData(MESSAGE)).isSameAs(refused);
            assertThat(clamd.connections.get()).isZero();
        }
    }

    @Test
    void filterHeaderDelegates() throws IOException {
        try (FakeClamd clamd = FakeClamd.replying("stream: OK")) {
            assertThat(hooks(clamd, false).filterHeader(Optional.empty(), new byte[0]))
                    .isEqualTo("Filtered: yes\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }
}
