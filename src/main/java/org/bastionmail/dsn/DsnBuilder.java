package org.bastionmail.dsn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;

/**
 * Writes the DSN a {@link DsnPolicy} decided on: a multipart/report (RFC 6522) with a human-readable
 * part, a message/delivery-status part (RFC 3464) and the original message or its header section
 * (RFC 3461 4.3), from the MAILER-DAEMON and with Auto-Submitted: auto-replied (RFC 3834 5).
 *
 * <p>When an address in the report is not ASCII, or the original came with SMTPUTF8, the global types
 * of RFC 6533 are used: message/global-delivery-status, message/global, message/global-headers.
 */
public final class DsnBuilder {
    private static final HexFormat HEX = HexFormat.of();
    private static final int BOUNDARY_TRIES = 8;

    private final DsnSettings settings;
    private final Clock clock;
    private final RandomGenerator random;

    public DsnBuilder(DsnSettings settings) {
        this(settings, Clock.systemUTC(), new SecureRandom());
    }

    /** With the clock for Date and the randomness for Message-ID and the MIME boundary under control. */
    public DsnBuilder(DsnSettings settings, Clock clock, RandomGenerator random) {
        this.settings = settings;
        this.clock = clock;
        this.random = random;
    }

    /**
     * Builds the DSN. At most {@code returnLimit + 1} bytes of {@code content} are read.
     *
     * @param original the envelope of the message the DSN is about
     * @param content the message as the queue stores it, without {@code original.prependedHeaders()},
     *     which are put in front here as delivery does
     * @throws IllegalArgumentException when the original has the null sender: no DSN goes there
     */
    public Dsn build(DsnDecision.Send decision, Envelope original, InputStream content) throws IOException {
        MailAddress to = original.sender()
                .orElseThrow(() -> new IllegalArgumentException("no DSN is ever sent to the null sender"));
        Instant now = clock.instant();
        // RFC 3461 4.3: RET is about failure reports; delay and success reports carry headers only.
        // RFC 8689 5: a REQUIRETLS message is not returned in full either, in case its content is the issue.
        boolean wantFull = decision.kind() == DsnKind.FAILURE && original.ret().orElse(Envelope.Ret.FULL) == Envelope.Ret.FULL
                && !original.requireTls();
        ReturnedContent returned = ReturnedContent.read(original.prependedHeaders().getBytes(StandardCharsets.UTF_8),
                content, settings.returnLimit(), wantFull);
        boolean global = StatusFields.needsGlobal(original, decision.reported());

        String text = NotificationText.write(settings.reportingMta(), decision.kind(), decision.reported(), returned);
        boolean textAscii = FieldText.isAscii(text);
        String textBody = textAscii ? text : QuotedPrintable.encode(text);
        byte[] status = StatusFields.write(settings.reportingMta(), original, decision.reported(), global)
                .getBytes(StandardCharsets.UTF_8);
        boolean statusEightBit = !FieldText.isAscii(new String(status, StandardCharsets.UTF_8));
        String boundary = boundary(List.of(textBody.getBytes(StandardCharsets.US_ASCII), status, returned.bytes()));
        boolean eightBit = statusEightBit || returned.eightBit();
        String reportType = global ? "global-delivery-status" : "delivery-status";

        ByteArrayOutputStream out = new ByteArrayOutputStream(returned.bytes().length + status.length + 4096);
        StringBuilder head = new StringBuilder();
        // Fixed ASCII display text: no RFC 2047 encoding is needed in any field we write.
        FieldText.field(head, "From", "\"Mail Delivery System\" <MAILER-DAEMON@" + settings.reportingMta() + ">");
        // RFC 6532: a non-ASCII address stays UTF-8, and the envelope below asks for SMTPUTF8.
        FieldText.field(head, "To", "<" + FieldText.utf8(to.toString()) + ">");
        FieldText.field(head, "Subject", decision.kind().subject());
        FieldText.field(head, "Date", StatusFields.date(now));
        FieldText.field(head, "Message-ID", messageId(now));
        FieldText.field(head, "Auto-Submitted", "auto-replied"); // RFC 3834 5.2
        FieldText.field(head, "MIME-Version", "1.0");
        FieldText.field(head, "Content-Type",
                "multipart/report; report-type=" + reportType + "; boundary=\"" + boundary + "\"");
        if (eightBit) {
            FieldText.field(head, "Content-Transfer-Encoding", "8bit");
        }
        head.append("\r\n");
        head.append("This is a delivery status notification in MIME format (RFC 3464).\r\n");

        head.append("\r\n--").append(boundary).append("\r\n");
        FieldText.field(head, "Content-Description", "Notification");
        FieldText.field(head, "Content-Type", "text/plain; charset=utf-8");
        FieldText.field(head, "Content-Transfer-Encoding", textAscii ? "7bit" : "quoted-printable");
        head.append("\r\n").append(textBody);

        head.append("\r\n--").append(boundary).append("\r\n");
        FieldText.field(head, "Content-Description", "Delivery report");
        FieldText.field(head, "Content-Type", global ? "message/global-delivery-status" : "message/delivery-status");
        if (statusEightBit) {
            FieldText.field(head, "Content-Transfer-Encoding", "8bit"); // RFC 6533 6.1
        }
        head.append("\r\n");
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(status);

        StringBuilder third = new StringBuilder();
        third.append("\r\n--").append(boundary).append("\r\n");
        FieldText.field(third, "Content-Description", returned.headersOnly() ? "Message headers" : "Undelivered message");
        FieldText.field(third, "Content-Type", returnedType(returned.headersOnly(), global));
        if (returned.eightBit()) {
            FieldText.field(third, "Content-Transfer-Encoding", "8bit");
        }
        third.append("\r\n");
        out.writeBytes(third.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(returned.bytes());
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));

        return new Dsn(decision.kind(), envelope(to, original, eightBit, now), out.toByteArray());
    }

    /** RFC 6522 3 and RFC 6533 6: what the third part is. */
    private static String returnedType(boolean headersOnly, boolean global) {
        if (global) {
            return headersOnly ? "message/global-headers" : "message/global";
        }
        return headersOnly ? "text/rfc822-headers" : "message/rfc822";
    }

    /** RFC 3461 6.1: MAIL FROM:&lt;&gt;, and NOTIFY=NEVER so that a DSN-aware next hop reports nothing either. */
    private Envelope envelope(MailAddress to, Envelope original, boolean eightBit, Instant now) {
        Envelope.Recipient recipient = new Envelope.Recipient(to, Set.of(Envelope.Notify.NEVER), Optional.empty());
        return new Envelope(Optional.empty(), List.of(recipient),
                eightBit ? Envelope.BodyType.EIGHT_BIT_MIME : Envelope.BodyType.SEVEN_BIT,
                !FieldText.isAscii(to.toString()), Optional.empty(), Optional.empty(),
                // RFC 8689 5: the report on a REQUIRETLS message travels under the same demand.
                original.requireTls(), "127.0.0.1", settings.reportingMta(), Optional.empty(), now);
    }

    private String messageId(Instant now) {
        return "<" + Long.toString(now.toEpochMilli(), 36) + "." + HEX.toHexDigits(random.nextLong())
                + "@" + settings.reportingMta() + ">";
    }

    /** RFC 2046 5.1.1: a boundary that occurs in none of the parts. */
    private String boundary(List<byte[]> parts) {
        for (int i = 0; i < BOUNDARY_TRIES; i++) {
            String candidate = "=_dsn_" + HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong());
            byte[] needle = candidate.getBytes(StandardCharsets.US_ASCII);
            if (parts.stream().noneMatch(p -> contains(p, needle))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no MIME boundary found outside the content");
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
