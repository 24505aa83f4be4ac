package org.bastionmail.dsn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bastionmail.dsn.Fixtures.*;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.james.mime4j.dom.Message;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.bastionmail.queue.Envelope.Notify;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DsnBuilderTest {
    static final byte[] ORIGINAL = ("From: Alice <alice@example.org>\r\nTo: bob@remote.test\r\n"
            + "Subject: quarterly numbers\r\nMessage-ID: <orig-1@example.org>\r\n\r\n"
            + "The numbers are in.\r\nSECRET-BODY-LINE\r\n").getBytes(StandardCharsets.US_ASCII);

    private final DsnBuilder builder = new DsnBuilder(SETTINGS, Clock.fixed(NOW, ZoneOffset.UTC), new Random(7));

    private Dsn build(DsnDecision decision, Envelope original, byte[] content) throws IOException {
        assertThat(decision).isInstanceOf(DsnDecision.Send.class);
        return builder.build((DsnDecision.Send) decision, original, new ByteArrayInputStream(content));
    }

    private Dsn failure(Envelope original, byte[] content) throws IOException {
        List<RecipientOutcome> outcomes = original.recipients().stream().<RecipientOutcome>map(Fixtures::failed).toList();
        return build(new DsnPolicy(SETTINGS).decide(original, outcomes), original, content);
    }

    @Test
    void aFailureDsnHasTheStructureAndFieldsOfRfc3464() throws IOException {
        Envelope.Recipient bob = new Envelope.Recipient(MailAddress.parse("bob@remote.test"), Set.of(),
                Optional.of("rfc822;Bob@Remote.test"));
        Envelope.Recipient carol = rcpt("carol@remote.test", Notify.FAILURE);
        Envelope original = envelope(bob, carol);

        Dsn dsn = failure(original, ORIGINAL);
        ParsedDsn p = ParsedDsn.parse(dsn.message());

        assertThat(dsn.kind()).isEqualTo(DsnKind.FAILURE);
        assertThat(p.message().getFrom().getFirst().getAddress()).isEqualTo("MAILER-DAEMON@mx.bastion.test");
        assertThat(p.message().getFrom().getFirst().getName()).isEqualTo("Mail Delivery System");
        assertThat(p.message().getTo().flatten().getFirst().getAddress()).isEqualTo("alice@example.org");
        assertThat(p.message().getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(p.message().getDate().toInstant()).isEqualTo(NOW);
        assertThat(p.message().getMessageId()).matches("<[0-9a-z]+\\.[0-9a-f]{16}@mx\\.bastion\\.test>");
        assertThat(p.header("Auto-Submitted")).isEqualTo("auto-replied");
        assertThat(p.message().getMimeType()).isEqualTo("multipart/report");
        assertThat(p.message().getHeader().getField("Content-Type").getBody()).contains("report-type=delivery-status");
        assertThat(p.parts()).extracting(e -> e.getMimeType())
                .containsExactly("text/plain", "message/delivery-status", "message/rfc822");

        assertThat(p.text()).contains("<bob@remote.test>: failed (5.1.1)", "mx.remote.test said:",
                "550 5.1.1 <carol@remote.test>: no such user", "Your message is attached.");

        assertThat(p.perMessage()).containsExactly(Map.entry("reporting-mta", "dns; mx.bastion.test"),
                Map.entry("original-envelope-id", "env-42"), Map.entry("arrival-date", "Fri, 27 Nov 2026 08:00:00 +0000"));
        assertThat(p.perRecipient()).hasSize(2);
        assertThat(p.perRecipient().getFirst()).containsExactly(
                Map.entry("original-recipient", "rfc822; Bob@Remote.test"),
                Map.entry("final-recipient", "rfc822; bob@remote.test"),
                Map.entry("action", "failed"),
                Map.entry("status", "5.1.1"),
                Map.entry("remote-mta", "dns; mx.remote.test"),
                Map.entry("diagnostic-code", "smtp; 550 5.1.1 <bob@remote.test>: no such user"),
                Map.entry("last-attempt-date", "Fri, 27 Nov 2026 09:30:00 +0000"));
        assertThat(p.perRecipient().get(1)).doesNotContainKey("original-recipient")
                .containsEntry("final-recipient", "rfc822; carol@remote.test");

        Message returned = (Message) p.parts().get(2).getBody();
        assertThat(returned.getSubject()).isEqualTo("quarterly numbers");
        assertThat(returned.getMessageId()).isEqualTo("<orig-1@example.org>");

        // RFC 3461 6.1: sent from <> to the original sender, with nothing that could come back.
        Envelope e = dsn.envelope();
        assertThat(e.sender()).isEmpty();
        assertThat(e.recipients()).containsExactly(new Envelope.Recipient(MailAddress.parse("alice@example.org"),
                Set.of(Notify.NEVER), Optional.empty()));
        assertThat(e.ret()).isEmpty();
        assertThat(e.envId()).isEmpty();
        assertThat(e.body()).isEqualTo(Envelope.BodyType.SEVEN_BIT);
        assertThat(e.smtpUtf8()).isFalse();
        assertThat(e.receivedAt()).isEqualTo(NOW);
    }

    @Test
    void angusMailReadsTheSameStructure() throws Exception {
        Dsn dsn = failure(envelope(rcpt("bob@remote.test")), ORIGINAL);
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(dsn.message()));
        assertThat(m.getContentType()).startsWith("multipart/report");
        MimeMultipart mp = new MimeMultipart(m.getDataHandler().getDataSource());
        assertThat(mp.getCount()).isEqualTo(3);
        assertThat(mp.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(mp.getBodyPart(1).getContentType()).isEqualTo("message/delivery-status");
        assertThat(mp.getBodyPart(2).getContentType()).isEqualTo("message/rfc822");
        assertThat(((MimeMessage) mp.getBodyPart(2).getContent()).getSubject()).isEqualTo("quarterly numbers");
        assertThat(m.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
    }

    static Stream<Arguments> retKindAndRequireTls() {
        Stream.Builder<Arguments> all = Stream.builder();
        for (Optional<Envelope.Ret> ret : List.of(Optional.<Envelope.Ret>empty(), Optional.of(Envelope.Ret.FULL),
                Optional.of(Envelope.Ret.HDRS))) {
            for (DsnKind kind : DsnKind.values()) {
                for (boolean requireTls : new boolean[] {false, true}) {
                    all.add(Arguments.of(ret, kind, requireTls));
                }
            }
        }
        return all.build();
    }

    @ParameterizedTest(name = "RET={0} {1} REQUIRETLS={2}")
    @MethodSource("retKindAndRequireTls")
    void retDecidesWhatComesBack(Optional<Envelope.Ret> ret, DsnKind kind, boolean requireTls) throws IOException {
        Envelope.Recipient r = rcpt("bob@remote.test", Notify.SUCCESS, Notify.FAILURE, Notify.DELAY);
        Envelope base = envelope(Optional.of(MailAddress.parse("alice@example.org")), ret, List.of(r));
        Envelope original = new Envelope(base.sender(), base.recipients(), base.body(), false, ret, base.envId(),
                requireTls, base.clientAddress(), base.clientHelo(), base.authenticatedAccount(), base.receivedAt());
        RecipientOutcome outcome = switch (kind) {
            case FAILURE -> failed(r);
            case DELAY -> delayed(r);
            case SUCCESS -> delivered(r);
        };
        Dsn dsn = build(new DsnPolicy(SETTINGS).decide(original, List.of(outcome)), original, ORIGINAL);
        ParsedDsn p = ParsedDsn.parse(dsn.message());

        assertThat(dsn.kind()).isEqualTo(kind);
        assertThat(p.message().getSubject()).isEqualTo(kind.subject());
        // RFC 3461 4.3: the whole message only for a failure, only when not RET=HDRS; RFC 8689 5: never for REQUIRETLS.
        boolean full = kind == DsnKind.FAILURE && ret.orElse(Envelope.Ret.FULL) == Envelope.Ret.FULL && !requireTls;
        assertThat(p.parts().get(2).getMimeType()).isEqualTo(full ? "message/rfc822" : "text/rfc822-headers");
        assertThat(new String(dsn.message(), StandardCharsets.US_ASCII).contains("SECRET-BODY-LINE")).isEqualTo(full);
        if (!full) {
            assertThat(new String(p.returned(), StandardCharsets.US_ASCII))
                    .isEqualTo("From: Alice <alice@example.org>\r\nTo: bob@remote.test\r\n"
                            + "Subject: quarterly numbers\r\nMessage-ID: <orig-1@example.org>\r\n");
        }
        assertThat(dsn.envelope().requireTls()).isEqualTo(requireTls);
    }

    @Test
    void delayAndSuccessReportsCarryTheirOwnFields() throws IOException {
        Envelope.Recipient bob = rcpt("bob@remote.test", Notify.DELAY);
        Dsn delay = build(new DsnPolicy(SETTINGS).decide(envelope(bob), List.of(delayed(bob))), envelope(bob), ORIGINAL);
        ParsedDsn d = ParsedDsn.parse(delay.message());
        assertThat(d.perRecipient().getFirst()).containsEntry("action", "delayed").containsEntry("status", "4.2.2")
                .containsEntry("will-retry-until", "Wed, 2 Dec 2026 08:00:00 +0000");
        assertThat(d.text()).contains("keeps trying", "Delivery will be tried until Wed, 2 Dec 2026");

        Envelope.Recipient carol = rcpt("carol@remote.test", Notify.SUCCESS);
        Envelope.Recipient dave = rcpt("dave@old.test", Notify.SUCCESS);
        Envelope both = envelope(carol, dave);
        Dsn success = build(new DsnPolicy(SETTINGS).decide(both, List.of(delivered(carol), relayed(dave))), both, ORIGINAL);
        ParsedDsn s = ParsedDsn.parse(success.message());
        assertThat(s.message().getSubject()).isEqualTo("Successful Mail Delivery Report");
        assertThat(s.perRecipient()).extracting(g -> g.get("action")).containsExactly("delivered", "relayed");
        assertThat(s.perRecipient()).allSatisfy(g -> assertThat(g).doesNotContainKeys("will-retry-until",
                "last-attempt-date"));
        assertThat(s.perRecipient().get(1)).containsEntry("remote-mta", "dns; mx.old.test");
    }

    @Test
    void theStatusClassFollowsTheAction() throws IOException {
        Envelope.Recipient bob = rcpt("bob@remote.test");
        // The queue gave up on a recipient whose last answer was a 4xx: reported as failed, 5.4.7.
        RecipientOutcome expired = new RecipientOutcome.Failed(bob, remote("4.4.7", "421 try later"));
        Dsn dsn = build(new DsnPolicy(SETTINGS).decide(envelope(bob), List.of(expired)), envelope(bob), ORIGINAL);
        assertThat(ParsedDsn.parse(dsn.message()).perRecipient().getFirst()).containsEntry("status", "5.4.7");
    }

    @Test
    void aMessageOverTheLimitComesBackAsItsHeaderSection() throws IOException {
        ByteArrayOutputStream big = new ByteArrayOutputStream();
        big.writeBytes(ORIGINAL);
        String line = "x".repeat(76) + "\r\n";
        while (big.size() <= DsnSettings.DEFAULT_RETURN_LIMIT) {
            big.writeBytes(line.getBytes(StandardCharsets.US_ASCII));
        }
        Envelope original = envelope(Optional.of(MailAddress.parse("alice@example.org")), Optional.of(Envelope.Ret.FULL),
                List.of(rcpt("bob@remote.test")));

        Dsn dsn = failure(original, big.toByteArray());
        ParsedDsn p = ParsedDsn.parse(dsn.message());

        assertThat(p.parts().get(2).getMimeType()).isEqualTo("text/rfc822-headers");
        assertThat(new String(p.returned(), StandardCharsets.US_ASCII)).endsWith("Message-ID: <orig-1@example.org>\r\n");
        assertThat(dsn.message().length).isLessThan(8 * 1024);
        assertThat(p.text()).contains("The header section of your message is attached.");
    }

    @Test
    void aMessageExactlyAtTheLimitComesBackWhole() throws IOException {
        DsnSettings small = new DsnSettings("mx.bastion.test", 2048, true);
        byte[] content = new byte[2048];
        byte[] head = "Subject: fits\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, content, 0, head.length);
        for (int i = head.length; i < content.length; i++) {
            content[i] = (byte) ((i - head.length) % 50 == 48 ? '\r' : (i - head.length) % 50 == 49 ? '\n' : 'y');
        }
        content[content.length - 2] = '\r';
        content[content.length - 1] = '\n';
        Envelope original = envelope(rcpt("bob@remote.test"));
        DsnBuilder b = new DsnBuilder(small, Clock.fixed(NOW, ZoneOffset.UTC), new Random(1));
        Envelope.Recipient r = original.recipients().getFirst();
        Dsn whole = b.build((DsnDecision.Send) new DsnPolicy(small).decide(original, List.of(failed(r))), original,
                new ByteArrayInputStream(content));
        assertThat(ParsedDsn.parse(whole.message()).parts().get(2).getMimeType()).isEqualTo("message/rfc822");

        byte[] oneMore = java.util.Arrays.copyOf(content, content.length + 1);
        oneMore[content.length] = 'z';
        Dsn cut = b.build((DsnDecision.Send) new DsnPolicy(small).decide(original, List.of(failed(r))), original,
                new ByteArrayInputStream(oneMore));
        ParsedDsn p = ParsedDsn.parse(cut.message());
        assertThat(p.parts().get(2).getMimeType()).isEqualTo("text/rfc822-headers");
        assertThat(new String(p.returned(), StandardCharsets.US_ASCII)).isEqualTo("Subject: fits\r\n");
    }

    @Test
    void anEndlessHeaderSectionIsCutAtAFieldBoundaryWithinTheLimit() throws IOException {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        for (int i = 0; headers.size() < 200_000; i++) {
            headers.writeBytes(("X-Filler-" + i + ": value\r\n continued " + i + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        Dsn dsn = failure(envelope(rcpt("bob@remote.test")), headers.toByteArray());
        ParsedDsn p = ParsedDsn.parse(dsn.message());
        String returned = new String(p.returned(), StandardCharsets.US_ASCII);
        assertThat(p.returned().length).isLessThanOrEqualTo(DsnSettings.DEFAULT_RETURN_LIMIT).isGreaterThan(60_000);
        assertThat(returned).startsWith("X-Filler-0: value\r\n continued 0\r\n");
        assertThat(returned).matches("(?s).*\r\n continued [0-9]+\r\n");
    }

    @Test
    void bareLineEndsAndOverlongLinesNeverReachTheDsn() throws IOException {
        byte[] messy = ("Subject: messy\nX-A: 1\r\n\r\nbody\rmore\n" + "z".repeat(3000) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        Dsn dsn = failure(envelope(rcpt("bob@remote.test")), messy);
        ParsedDsn p = ParsedDsn.parse(dsn.message()); // checks CRLF and 998
        assertThat(p.parts().get(2).getMimeType()).isEqualTo("text/rfc822-headers");
        assertThat(new String(p.returned(), StandardCharsets.US_ASCII)).isEqualTo("Subject: messy\r\nX-A: 1\r\n");
    }

    @Test
    void prependedHeadersAreReturnedWithTheMessage() throws IOException {
        Envelope original = envelope(rcpt("bob@remote.test"))
                .withChecks("Authentication-Results: mx.bastion.test; spf=pass\r\n", false);
        Dsn dsn = failure(original, ORIGINAL);
        Message returned = (Message) ParsedDsn.parse(dsn.message()).parts().get(2).getBody();
        assertThat(returned.getHeader().getFields().getFirst().getName()).isEqualTo("Authentication-Results");
    }

    @Test
    void aNonAsciiRecipientMakesAGlobalDsn() throws IOException {
        Envelope.Recipient r = new Envelope.Recipient(new MailAddress("jörg", "bücher.test"), Set.of(),
                Optional.of("rfc822;Jörg+x=1@bücher.test"));
        Envelope original = envelope(r);
        Dsn dsn = failure(original, "Subject: Grüße\r\n\r\nHallo\r\n".getBytes(StandardCharsets.UTF_8));
        ParsedDsn p = ParsedDsn.parse(dsn.message());

        assertThat(p.message().getHeader().getField("Content-Type").getBody())
                .contains("report-type=global-delivery-status");
        assertThat(p.parts()).extracting(e -> e.getMimeType())
                .containsExactly("text/plain", "message/global-delivery-status", "message/global");
        assertThat(p.perRecipient().getFirst())
                .containsEntry("final-recipient", "utf-8; jörg@bücher.test")
                .containsEntry("original-recipient", "utf-8; Jörg\\x{2B}x\\x{3D}1@bücher.test");
        assertThat(p.text()).contains("<jörg@bücher.test>: failed");
        assertThat(new String(p.returned(), StandardCharsets.UTF_8)).contains("Subject: Grüße");
        // The sender's address is ASCII: the DSN needs 8BITMIME, not SMTPUTF8, and its header is ASCII.
        assertThat(dsn.envelope().body()).isEqualTo(Envelope.BodyType.EIGHT_BIT_MIME);
        assertThat(dsn.envelope().smtpUtf8()).isFalse();
        assertThat(headerSection(dsn.message())).matches("\\p{ASCII}*");
        // The human-readable part stays 7-bit on the wire.
        assertThat(p.parts().getFirst().getHeader().getField("Content-Transfer-Encoding").getBody())
                .isEqualTo("quoted-printable");
    }

    @Test
    void aNonAsciiSenderGetsTheDsnOverSmtpUtf8() throws IOException {
        Envelope.Recipient r = rcpt("bob@remote.test");
        Envelope original = envelope(Optional.of(new MailAddress("josé", "ejemplo.test")), Optional.empty(), List.of(r));
        Dsn dsn = failure(original, ORIGINAL);
        ParsedDsn p = ParsedDsn.parse(dsn.message());
        assertThat(dsn.envelope().smtpUtf8()).isTrue();
        assertThat(dsn.envelope().recipients().getFirst().address()).isEqualTo(new MailAddress("josé", "ejemplo.test"));
        assertThat(headerSection(dsn.message())).contains("To: <josé@ejemplo.test>");
        assertThat(p.parts().get(1).getMimeType()).isEqualTo("message/global-delivery-status");
    }

    @Test
    void hostileTextFromTheRemoteServerCannotAddFields() throws IOException {
        String boundaryGuess = "\r\n--=_dsn_0000\r\nContent-Type: text/html\r\n\r\n<script>";
        Attempt evil = new Attempt("5.0.0", "refused\r\nX-Detail-Injected: 1",
                Optional.of("mx.evil.test\r\nX-Mta-Injected: 1"),
                Optional.of("550 no\r\nBcc: victim@example.org\r\n\r\nFinal-Recipient: rfc822; forged@x\n"
                        + "Action: delivered\rX-Cr-Injected: 1\u0085X-Nel: 1\u2028X-Ls: 1" + boundaryGuess),
                ATTEMPT);
        Envelope.Recipient r = new Envelope.Recipient(MailAddress.parse("bob@remote.test"), Set.of(),
                Optional.of("rfc822;bob@remote.test\r\nX-Orcpt-Injected: 1"));
        Envelope base = envelope(r);
        Envelope original = new Envelope(base.sender(), base.recipients(), base.body(), false, base.ret(),
                Optional.of("id\r\nX-Envid-Injected: 1"), false, base.clientAddress(), base.clientHelo(),
                base.authenticatedAccount(), base.receivedAt());

        Dsn dsn = build(new DsnPolicy(SETTINGS).decide(original, List.of(new RecipientOutcome.Failed(r, evil))),
                original, ORIGINAL);
        ParsedDsn p = ParsedDsn.parse(dsn.message());

        assertThat(p.message().getHeader().getFields()).extracting(f -> f.getName().toLowerCase())
                .containsExactly("from", "to", "subject", "date", "message-id", "auto-submitted", "mime-version",
                        "content-type");
        assertThat(p.parts()).hasSize(3);
        assertThat(p.status()).hasSize(2);
        assertThat(p.perMessage().keySet()).containsExactly("reporting-mta", "original-envelope-id", "arrival-date");
        assertThat(p.perRecipient().getFirst().keySet()).containsExactly("original-recipient", "final-recipient",
                "action", "status", "remote-mta", "diagnostic-code", "last-attempt-date");
        assertThat(p.perRecipient().getFirst()).containsEntry("action", "failed")
                .containsEntry("final-recipient", "rfc822; bob@remote.test")
                .containsEntry("remote-mta", "dns; mx.evil.testX-Mta-Injected:1");
        assertThat(p.perRecipient().getFirst().get("diagnostic-code")).startsWith("smtp; 550 no Bcc: victim")
                .doesNotContain("\r", "\n");
        // In the text part every reply line is indented: none can start a line of its own.
        assertThat(p.text().lines().filter(l -> l.startsWith("Bcc") || l.startsWith("Action")
                || l.startsWith("X-") || l.startsWith("--"))).isEmpty();
        for (Map<String, String> g : p.status()) {
            assertThat(g.keySet()).noneMatch(k -> k.contains("injected") || k.equals("bcc"));
        }
    }

    @Test
    void aDsnIsNeverAnsweredWithAnotherDsn() throws IOException {
        Dsn dsn = failure(envelope(rcpt("bob@remote.test")), ORIGINAL);
        Envelope.Recipient back = dsn.envelope().recipients().getFirst();
        DsnPolicy policy = new DsnPolicy(SETTINGS);
        // The DSN itself cannot be delivered: its failure, delay or success is reported to nobody.
        assertThat(policy.decide(dsn.envelope(), List.of(failed(back)))).isInstanceOf(DsnDecision.None.class);
        assertThat(policy.decide(dsn.envelope(), List.of(delayed(back)))).isInstanceOf(DsnDecision.None.class);
        assertThat(policy.decide(dsn.envelope(), List.of(delivered(back)))).isInstanceOf(DsnDecision.None.class);
        assertThatThrownBy(() -> builder.build(new DsnDecision.Send(DsnKind.FAILURE, List.of(failed(back))),
                dsn.envelope(), new ByteArrayInputStream(dsn.message()))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void longRepliesAreFoldedNotOverflowed() throws IOException {
        Envelope.Recipient r = rcpt("bob@remote.test");
        String reply = "550-5.7.1 " + "word ".repeat(400) + "\r\n550 5.7.1 " + "z".repeat(5000);
        RecipientOutcome o = new RecipientOutcome.Failed(r, remote("5.7.1", reply));
        Dsn dsn = build(new DsnPolicy(SETTINGS).decide(envelope(r), List.of(o)), envelope(r), ORIGINAL);
        ParsedDsn p = ParsedDsn.parse(dsn.message()); // no line over 998
        assertThat(p.perRecipient().getFirst().get("diagnostic-code")).startsWith("smtp; 550-5.7.1 word word")
                .hasSizeLessThanOrEqualTo(1010);
    }

    @Test
    void settingsRefuseAHostileHostname() {
        assertThatThrownBy(() -> new DsnSettings("mx.test\r\nBcc: x", 65536, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DsnSettings("mx.test", 10, true)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String headerSection(byte[] message) {
        String text = new String(message, StandardCharsets.UTF_8);
        return text.substring(0, text.indexOf("\r\n\r\n"));
    }
}
