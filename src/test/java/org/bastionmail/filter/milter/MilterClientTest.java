package org.bastionmail.filter.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bastionmail.filter.milter.FakeMilter.indexed;
import static org.bastionmail.filter.milter.FakeMilter.packet;
import static org.bastionmail.filter.milter.FakeMilter.strings;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bastionmail.filter.FilterMessage;
import org.bastionmail.filter.FilterVerdict;
import org.bastionmail.filter.HeaderEdit;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.bastionmail.smtp.ReceivedMessage;
import org.junit.jupiter.api.Test;

class MilterClientTest {
    private static final int HEADERS = MilterProtocol.ACT_ADDHDRS | MilterProtocol.ACT_CHGHDRS;
    private static final byte[] NONE = new byte[0];

    static FilterMessage message(String header, byte[] body) {
        ReceivedMessage envelope = new ReceivedMessage(InetAddress.getLoopbackAddress(), "client.sender.test",
                Optional.of(MailAddress.parse("someone@sender.test")),
                List.of(new Envelope.Recipient(MailAddress.parse("alice@example.test"), Set.of(Envelope.Notify.FAILURE),
                        Optional.of("rfc822;alice+x@example.test"))),
                Optional.of("bob@example.test"), Optional.of("TLSv1.3 TLS_AES_128_GCM_SHA256"),
                () -> new ByteArrayInputStream(NONE), Optional.of("QUEUEID1"));
        return new FilterMessage(envelope, "mx.example.test", header, () -> new ByteArrayInputStream(body));
    }

    private static final FilterMessage MESSAGE = message("From: someone@sender.test\r\nSubject: hi\r\n\tthere\r\n",
            "body\r\n".getBytes(StandardCharsets.US_ASCII));

    private static FilterVerdict check(FakeMilter milter) throws IOException {
        return check(milter, MESSAGE, Duration.ofSeconds(10));
    }

    private static FilterVerdict check(FakeMilter milter, FilterMessage message, Duration timeout) throws IOException {
        return new MilterClient(new MilterSettings(milter.address(), timeout)).check(message);
    }

    /** Test strings write NUL as '|' (a "\\0" before a digit would be an octal escape). */
    private static String nul(String text) {
        return text.replace('|', '\0');
    }

    private static String text(MilterPacket packet) {
        return new String(packet.data(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void speaksThePostfixStepsInOrderWithMacros() throws IOException {
        try (FakeMilter milter = FakeMilter.start(HEADERS, 0, Map.of('E', List.of(packet('a', NONE))))) {
            assertThat(check(milter)).isEqualTo(FilterVerdict.Accept.PLAIN);
            assertThat(milter.commands()).containsExactly('O', 'D', 'C', 'D', 'H', 'D', 'M', 'D', 'R', 'D', 'T', 'L', 'L',
                    'D', 'N', 'B', 'D', 'E', 'Q');
            List<MilterPacket> p = milter.received;
            // OPTNEG: version 6, header changes and quarantine only, every step optional
            ByteBuffer optneg = ByteBuffer.wrap(p.get(0).data());
            assertThat(optneg.getInt()).isEqualTo(6);
            assertThat(optneg.getInt()).isEqualTo(MilterProtocol.ACT_ADDHDRS | MilterProtocol.ACT_CHGHDRS
                    | MilterProtocol.ACT_QUARANTINE);
            assertThat(optneg.getInt() & MilterProtocol.P_RCPT_REJ).isZero();
            assertThat(text(p.get(1))).isEqualTo(nul("Cj|mx.example.test|{daemon_name}|bastion|v|Bastion|"
                    + "{client_addr}|127.0.0.1|_|[127.0.0.1]|"));
            assertThat(text(p.get(2))).isEqualTo(nul("unknown|" + "4||" + "127.0.0.1|"));
            assertThat(text(p.get(3))).isEqualTo(nul("H{tls_version}|TLSv1.3|{cipher}|TLS_AES_128_GCM_SHA256|"));
            assertThat(text(p.get(4))).isEqualTo(nul("client.sender.test|"));
            assertThat(text(p.get(5))).isEqualTo(nul("Mi|QUEUEID1|{auth_authen}|bob@example.test|"
                    + "{mail_addr}|someone@sender.test|"));
            assertThat(text(p.get(6))).isEqualTo(nul("<someone@sender.test>|"));
            assertThat(text(p.get(7))).isEqualTo(nul("R{rcpt_addr}|alice@example.test|"));
            assertThat(text(p.get(8))).isEqualTo(nul("<alice@example.test>|NOTIFY=FAILURE|ORCPT=rfc822;alice+2Bx@example.test|"));
            assertThat(text(p.get(11))).isEqualTo(nul("From|someone@sender.test|"));
            // folded values go with LF line ends, as libmilter hands them to milters
            assertThat(text(p.get(12))).isEqualTo(nul("Subject|hi\n\tthere|"));
            assertThat(text(p.get(15))).isEqualTo(nul("body\r\n"));
            assertThat(text(p.get(16))).isEqualTo(nul("Ei|QUEUEID1|"));
        }
    }

    @Test
    void headerChangesAtTheEndOfTheMessageAreReturned() throws IOException {
        List<byte[]> eob = List.of(packet('h', strings("X-Test", "yes")), packet('m', indexed(1, "Subject", "")),
                packet('i', indexed(0, "X-First", " one\n\ttwo")), packet('p', NONE), packet('c', NONE));
        try (FakeMilter milter = FakeMilter.start(HEADERS, 0, Map.of('E', eob))) {
            assertThat(check(milter)).isEqualTo(new FilterVerdict.Accept(List.of(), List.of(
                    new HeaderEdit.Add("X-Test", "yes"), new HeaderEdit.Change("Subject", 1, ""),
                    new HeaderEdit.Insert(0, "X-First", "one\r\n\ttwo")), false));
        }
    }

    @Test
    void quarantineMeansJunk() throws IOException {
        int actions = HEADERS | MilterProtocol.ACT_QUARANTINE;
        try (FakeMilter milter = FakeMilter.start(actions, 0,
                Map.of('E', List.of(packet('q', strings("spam")), packet('a', NONE))))) {
            assertThat(check(milter)).isEqualTo(new FilterVerdict.Accept(List.of(), List.of(), true));
        }
    }

    @Test
    void rejectTempfailDiscardAndReplyCodes() throws IOException {
        Map<byte[], FilterVerdict> cases = Map.of(
                packet('r', NONE), new FilterVerdict.Refuse(550, "5.7.1", "Message rejected by content filter"),
                packet('t', NONE), new FilterVerdict.Refuse(451, "4.7.1", "Message deferred by content filter, try again later"),
                packet('d', NONE), new FilterVerdict.Discard("milter discarded the message"),
                packet('y', strings("554 5.7.1 Go away")), new FilterVerdict.Refuse(554, "5.7.1", "Go away"),
                packet('y', strings("452 Busy")), new FilterVerdict.Refuse(452, "4.0.0", "Busy"),
                packet('y', strings("550-5.7.1 Line one\r\n550 5.7.1 line two")),
                new FilterVerdict.Refuse(550, "5.7.1", "Line one line two"));
        for (var entry : cases.entrySet()) {
            try (FakeMilter milter = FakeMilter.start(HEADERS, 0, Map.of('E', List.of(entry.getKey())))) {
                assertThat(check(milter)).isEqualTo(entry.getValue());
            }
        }
    }

    @Test
    void aReplyCodeMustBeAValidRefusal() throws IOException {
        for (String bad : List.of("250 2.0.0 OK", "354 go ahead", "550 4.7.1 class mismatch", "55 short", "550",
                "550 5.7.1 bad\u0001char", "550-5.7.1 a\r\n451 4.7.1 b", "550 5.7.1 a\r\n550 5.7.1 b", "")) {
            try (FakeMilter milter = FakeMilter.start(HEADERS, 0, Map.of('E', List.of(packet('y', strings(bad)))))) {
                assertThatThrownBy(() -> check(milter)).as(bad).isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void anEarlyRefusalEndsTheConversation() throws IOException {
        try (FakeMilter milter = FakeMilter.start(HEADERS, 0, Map.of('M', List.of(packet('r', NONE))))) {
            assertThat(check(milter)).isInstanceOf(FilterVerdict.Refuse.class);
            assertThat(milter.commands()).containsExactly('O', 'D', 'C', 'D', 'H', 'D', 'M', 'Q');
        }
    }

    @Test
    void stepsTheMilterTurnedOffAreNotSentAndNoReplyStepsNotAwaited() throws IOException {
        int protocol = MilterProtocol.P_NOCONNECT | MilterProtocol.P_NOHELO | MilterProtocol.P_NOHDRS
                | MilterProtocol.P_NR_RCPT | MilterProtocol.P_NR_MAIL | MilterProtocol.P_NODATA | MilterProtocol.P_NOEOH;
        try (FakeMilter milter = FakeMilter.start(HEADERS, protocol, Map.of('E', List.of(packet('c', NONE))))) {
            assertThat(check(milter)).isEqualTo(FilterVerdict.Accept.PLAIN);
            assertThat(milter.commands()).containsExactly('O', 'D', 'M', 'D', 'R', 'B', 'D', 'E', 'Q');
        }
    }

    @Test
    void theBodyGoesInChunksOfAtMost65535Octets() throws IOException {
        byte[] body = new byte[150_000];
        Arrays.fill(body, (byte) 'x');
        try (FakeMilter milter = FakeMilter.start(HEADERS, 0, Map.of('E', List.of(packet('a', NONE))))) {
            check(milter, message("Subject: big\r\n", body), Duration.ofSeconds(10));
            List<Integer> chunks = milter.received.stream().filter(p -> p.command() == 'B').map(p -> p.data().length).toList();
            assertThat(chunks).containsExactly(65_535, 65_535, 150_000 - 2 * 65_535);
        }
    }

    @Test
    void skipEndsTheBodyEarly() throws IOException {
        byte[] body = new byte[150_000];
        try (FakeMilter milter = FakeMilter.start(HEADERS, 0,
                Map.of('B', List.of(packet('s', NONE)), 'E', List.of(packet('a', NONE))))) {
            assertThat(check(milter, message("Subject: big\r\n", body), Duration.ofSeconds(10)))
                    .isEqualTo(FilterVerdict.Accept.PLAIN);
            assertThat(milter.commands().stream().filter(c -> c == 'B').count()).isEqualTo(1);
        }
    }

    @Test
    void protocolViolationsAreErrorsNeverAVerdict() throws IOException {
        List<List<byte[]>> violations = List.of(
                List.of(packet('c', new byte[] {1})),                        // CONTINUE with data
                List.of(packet('+', strings("<evil@example.org>"))),        // ADDRCPT: not negotiated
                List.of(packet('e', strings("<evil@example.org>"))),        // CHGFROM: not negotiated
                List.of(packet('b', "new body".getBytes(StandardCharsets.US_ASCII))), // REPLBODY: not negotiated
                List.of(packet('q', strings("x"))),                         // QUARANTINE: not negotiated here
                List.of(packet('h', strings("Bad Name", "x"))),             // a space in a field name
                List.of(packet('h', strings("X-A", "line\nno-fold"))),      // a line break without folding
                List.of(packet('h', strings("X-A"))),                       // one string where two are due
                List.of(packet('m', new byte[] {0, 0})),                    // no room for an index
                List.of(packet('s', NONE)),                                 // SKIP at the end of the message
                List.of(packet('Z', NONE)),                                 // unknown reply
                List.of(new byte[] {0, 0, 0, 0}),                           // zero-length packet
                List.of(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'c'}), // over the 1 MiB limit
                List.of(new byte[] {0, 0, 0, 9, 'h', 'X'}),                 // the milter hangs up inside a packet
                List.of());                                                 // the milter hangs up
        for (List<byte[]> replies : violations) {
            // The fake never answers after a bad reply: the short timeout bounds any wait for a verdict.
            try (FakeMilter milter = FakeMilter.start(HEADERS, 0, Map.of('E', replies))) {
                assertThatThrownBy(() -> check(milter, MESSAGE, Duration.ofSeconds(3)))
                        .isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void badNegotiationIsAnError() throws IOException {
        List<byte[]> replies = List.of(
                packet('O', ByteBuffer.allocate(12).putInt(7).putInt(1).putInt(0).array()),   // version 7
                packet('O', ByteBuffer.allocate(16).putInt(6).putInt(1).putInt(0).putInt(0).array()), // extra data
                packet('O', new byte[8]),                                                     // short
                packet('c', NONE));                                                           // not OPTNEG
        for (byte[] reply : replies) {
            try (FakeMilter milter = FakeMilter.start(new FakeMilter.Script(reply, Map.of(), 0))) {
                assertThatThrownBy(() -> check(milter)).isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void actionsNotOfferedAreNotGranted() throws IOException {
        // The milter asks for everything; recipient changes stay forbidden all the same.
        int greedy = 0x1ff;
        try (FakeMilter milter = FakeMilter.start(greedy, 0, Map.of('E', List.of(packet('-', strings("<alice@example.test>")))))) {
            assertThatThrownBy(() -> check(milter)).isInstanceOf(IOException.class).hasMessageContaining("not negotiated");
        }
    }

    @Test
    void aSilentMilterTimesOut() throws IOException {
        // It negotiates, then never answers the connect step.
        try (FakeMilter milter = FakeMilter.start(HEADERS, 0, Map.of('C', List.of()))) {
            assertThatThrownBy(() -> check(milter, MESSAGE, Duration.ofMillis(500)))
                    .isInstanceOf(IOException.class).hasMessageContaining("timed out");
        }
    }

    @Test
    void nothingListeningIsAnError() throws IOException {
        String address;
        try (FakeMilter milter = FakeMilter.start(HEADERS, 0, Map.of())) {
            address = milter.address();
        }
        assertThatThrownBy(() -> new MilterClient(new MilterSettings(address, Duration.ofSeconds(2))).check(MESSAGE))
                .isInstanceOf(IOException.class);
    }

    @Test
    void addressesAreInetOrUnix() {
        assertThat(MilterSettings.socketAddress("unix:/run/milter.sock").toString()).contains("/run/milter.sock");
        assertThat(MilterSettings.socketAddress("inet:[::1]:8891")).hasToString("::1/<unresolved>:8891");
        for (String bad : List.of("127.0.0.1:8891", "inet:host", "inet::1", "inet:host:0", "inet:host:70000",
                "unix:relative", "local:/x")) {
            assertThatThrownBy(() -> MilterSettings.socketAddress(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
