package org.bastionmail.smtp;

import org.bastionmail.net.ClientInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.bastionmail.fuzz.ReplaySocket;

/**
 * Fuzz targets for what an SMTP client sends before DATA: command lines as read from the wire, paths,
 * ESMTP parameters and xtext. Every seed under {@code src/test/resources/org/bastionmail/smtp/
 * SmtpParsersFuzzTestInputs/<method>/} is replayed by the normal test run; {@code bench/fuzz.sh} fuzzes.
 *
 * <p>The parsers report bad input as a value (Malformed, empty Optional) or a {@link Rejection}; any other
 * exception is a finding.
 */
class SmtpParsersFuzzTest {
    private static final int MAX_LINE = 512;

    private static SmtpInput input(byte[] data) throws IOException {
        return new SmtpInput(new ClientInput(new ReplaySocket(data), OutputStream.nullOutputStream(),
                Clock.systemUTC(), Duration.ofSeconds(5), Instant.now().plusSeconds(3600)));
    }

    /** Lines as the session reads them, then parsed as commands, then MAIL/RCPT arguments as the phases do. */
    @FuzzTest
    void commandLines(byte[] data) throws IOException {
        if (data == null) {
            return;
        }
        SmtpInput in = input(data);
        while (true) {
            SmtpInput.Line line;
            try {
                line = in.readLine(MAX_LINE);
            } catch (EOFException end) {
                return;
            }
            // RFC 5321 4.5.3.1.4: the limit counts the CRLF, and nothing beyond it is kept
            assertThat(line.bytes().length).isLessThan(MAX_LINE);
            if (line.problem() != SmtpInput.Problem.NONE) {
                continue;
            }
            for (byte b : line.bytes()) {
                assertThat(b).isNotIn((byte) '\r', (byte) '\n', (byte) 0);
            }
            Optional<String> text = strictUtf8(line.bytes());
            if (text.isEmpty()) {
                continue;
            }
            SmtpCommand command = CommandParser.parse(text.get());
            assertThat(command).isNotNull();
            switch (command) {
                case SmtpCommand.Mail mail -> envelopeArguments(mail.path(), mail.params(), true);
                case SmtpCommand.Rcpt rcpt -> envelopeArguments(rcpt.path(), rcpt.params(), false);
                case SmtpCommand.Ehlo ehlo -> assertEchoSafe(ehlo.domain());
                case SmtpCommand.Helo helo -> assertEchoSafe(helo.domain());
                case SmtpCommand.Bdat bdat -> assertThat(bdat.size()).isNotNegative();
                default -> { }
            }
        }
    }

    /** The EHLO name goes into the Received field: no white space or control characters may slip through. */
    private static void assertEchoSafe(String domain) {
        assertThat(domain).isNotEmpty().doesNotContainAnyWhitespaces();
        assertThat(domain.chars().noneMatch(c -> c < 32 || c == 127)).isTrue();
    }

    private static void envelopeArguments(String path, String params, boolean mail) {
        PathParser.parse(path);
        Optional<Map<String, String>> parsed = EsmtpParams.parse(params, true);
        if (parsed.isEmpty()) {
            return;
        }
        try {
            if (mail) {
                MailParameters.parse(parsed.get());
            } else {
                RcptParameters.parse(parsed.get());
            }
        } catch (Rejection documented) {
            // the phase answers with the rejection's reply
        }
    }

    /**
     * The path parser accepts only RFC 5321 4.1.2 paths within the RFC 5321 4.5.3.1 limits, and an accepted
     * mailbox written back with {@code MailAddress.toString} parses to the same address.
     */
    @FuzzTest
    void paths(byte[] data) {
        if (data == null) {
            return;
        }
        String path = new String(data, StandardCharsets.UTF_8);
        Optional<SmtpPath> parsed = PathParser.parse(path);
        if (parsed.isEmpty() || !(parsed.get() instanceof SmtpPath.Mailbox mailbox)) {
            return;
        }
        assertThat(path.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(256);
        String local = mailbox.address().localPart();
        String domain = mailbox.address().domain();
        // an empty Quoted-string is grammatical (""@example.org); the directory never matches it
        assertThat(local.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(64);
        assertThat(domain.getBytes(StandardCharsets.UTF_8).length).isBetween(1, 255);
        assertThat(local.chars().noneMatch(c -> c < 32 || c == 127)).as("control character in %s", local).isTrue();
        assertThat(domain).doesNotContainAnyWhitespaces().doesNotContain("@");

        String written = mailbox.address().toString();
        if (written.getBytes(StandardCharsets.UTF_8).length > 256) {
            return; // quoting can make a valid address too long to write back; nothing to compare
        }
        Optional<SmtpPath> again = PathParser.parse(written);
        assertThat(again).as("reparse of %s", written).isPresent();
        assertThat(again.get()).isInstanceOf(SmtpPath.Mailbox.class);
        assertThat(((SmtpPath.Mailbox) again.get()).address()).isEqualTo(mailbox.address());
    }

    /** ESMTP parameters (RFC 5321 4.1.2) and the xtext inside ENVID and ORCPT (RFC 3461 4). */
    @FuzzTest
    void esmtpParameters(byte[] data) {
        if (data == null || data.length == 0) {
            return;
        }
        boolean utf8 = (data[0] & 1) == 1;
        String text = new String(data, 1, data.length - 1, StandardCharsets.UTF_8);
        Optional<Map<String, String>> params = EsmtpParams.parse(text, utf8);
        params.ifPresent(p -> {
            assertThat(p.size()).isLessThanOrEqualTo(16);
            p.forEach((key, value) -> {
                assertThat(key).matches("[A-Z0-9][A-Z0-9-]{0,31}");
                assertThat(value.chars().noneMatch(c -> c <= 32 || c == '=' || c == 127)).isTrue();
            });
        });
        Optional<String> decoded = Xtext.decode(text);
        decoded.ifPresent(d -> assertThat(d.length()).isLessThanOrEqualTo(text.length()));
        decoded.ifPresent(d -> assertThat(Xtext.decode(xtext(d))).contains(d));
    }

    /** Encodes as xtext (RFC 3461 4), to check that decoding inverts it. */
    private static String xtext(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 33 && c <= 126 && c != '+' && c != '=') {
                out.append((char) c);
            } else {
                out.append('+').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    private static Optional<String> strictUtf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString());
        } catch (java.nio.charset.CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
