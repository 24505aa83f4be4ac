package org.bastionmail.smtp;

import org.bastionmail.net.ClientInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.bastionmail.config.Config;
import org.bastionmail.fuzz.ReplaySocket;

/**
 * Fuzz targets for the message text: arbitrary bytes after DATA's 354 (DataReader then MessageContent)
 * and arbitrary BDAT chunks (MessageContent alone). Small limits so the fuzzer reaches every one.
 *
 * <p>Properties: the only exception is EOFException (the client went away before the end of data); an
 * accepted message holds no bare CR, bare LF or NUL, ends in CRLF, is exactly the added fields plus the
 * counted bytes, and dot-stuffing it again reads back the same text; one over the size limit is refused as such.
 */
class MessageDataFuzzTest {
    private static final byte[] ADDED = "Received: from fuzz\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final Config.Limits LIMITS = new Config.Limits(4096, 10, 512, 200, 1024, 10,
            Duration.ofMinutes(1), Duration.ofMinutes(5), 1 << 20);

    private record Stored(byte[] text, Optional<Reply> problem, long size) {}

    @FuzzTest
    void data(byte[] wire) throws IOException {
        if (wire == null) {
            return;
        }
        ByteArrayOutputStream unstuffed = new ByteArrayOutputStream();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        MessageContent content = new MessageContent(LIMITS, sink, MessageDataFuzzTest::prepend);
        SmtpInput in = new SmtpInput(new ClientInput(new ReplaySocket(wire), OutputStream.nullOutputStream(),
                Clock.systemUTC(), Duration.ofSeconds(5), Instant.now().plusSeconds(3600)));
        try {
            DataReader.read(in, new Tee(content, unstuffed));
        } catch (EOFException closed) {
            return; // the session ends; nothing was acknowledged
        }
        Optional<Reply> problem = content.finish(); // flushes what was held back
        Stored stored = new Stored(sink.toByteArray(), problem, content.size());
        byte[] text = unstuffed.toByteArray();
        assertThat(stored.size()).isEqualTo(text.length);
        checkStored(stored, text);
        if (stored.problem().isEmpty()) {
            // RFC 5321 4.5.2: what the reader removed, a sender's stuffing puts back
            assertThat(unstuffOnce(stuff(text))).isEqualTo(text);
        }
    }

    @FuzzTest
    void bdat(byte[] chunks) {
        if (chunks == null) {
            return;
        }
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        MessageContent content = new MessageContent(LIMITS, sink, MessageDataFuzzTest::prepend);
        // chunk boundaries must not matter: write in uneven pieces
        int pos = 0;
        int step = 1;
        while (pos < chunks.length) {
            int n = Math.min(step, chunks.length - pos);
            content.write(chunks, pos, n);
            pos += n;
            step = step * 3 % 97 + 1;
        }
        Optional<Reply> problem = content.finish(); // flushes what was held back
        Stored stored = new Stored(sink.toByteArray(), problem, content.size());
        assertThat(stored.size()).isEqualTo(chunks.length);
        byte[] expected = chunks;
        if (chunks.length > 0 && chunks[chunks.length - 1] != '\n') {
            expected = Arrays.copyOf(chunks, chunks.length + 2);
            expected[chunks.length] = '\r';
            expected[chunks.length + 1] = '\n';
        }
        checkStored(stored, expected);
    }

    private static void checkStored(Stored stored, byte[] text) {
        if (stored.problem().isPresent()) {
            if (stored.size() > LIMITS.messageSize()) {
                assertThat(stored.problem()).contains(Reply.TOO_BIG);
            }
            return;
        }
        assertThat(stored.size()).isLessThanOrEqualTo(LIMITS.messageSize());
        byte[] out = stored.text();
        for (int i = 0; i < out.length; i++) {
            assertThat(out[i]).as("NUL at %d", i).isNotEqualTo((byte) 0);
            if (out[i] == '\r') {
                assertThat(i + 1 < out.length && out[i + 1] == '\n').as("bare CR at %d", i).isTrue();
            }
            if (out[i] == '\n') {
                assertThat(i > 0 && out[i - 1] == '\r').as("bare LF at %d", i).isTrue();
            }
        }
        assertThat(out).startsWith(ADDED);
        if (out.length > ADDED.length) {
            assertThat(out[out.length - 1]).isEqualTo((byte) '\n');
        }
        // nothing lost, nothing added but the fields in front of the header section
        assertThat(Arrays.copyOfRange(out, ADDED.length, out.length)).isEqualTo(text);
        assertLinesWithin(out, LIMITS.lineLength());
    }

    private static void assertLinesWithin(byte[] out, int max) {
        int length = 0;
        for (byte b : out) {
            length++;
            if (b == '\n') {
                assertThat(length).isLessThanOrEqualTo(max);
                length = 0;
            }
        }
    }

    private static byte[] prepend(byte[] fields) {
        byte[] all = Arrays.copyOf(ADDED, ADDED.length + fields.length);
        System.arraycopy(fields, 0, all, ADDED.length, fields.length);
        return all;
    }

    /** Dot-stuffs a CRLF text and appends the end-of-data line (RFC 5321 4.5.2). */
    private static byte[] stuff(byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean lineStart = true;
        for (byte b : text) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        out.writeBytes(".\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] unstuffOnce(byte[] wire) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SmtpInput in = new SmtpInput(new ClientInput(new ReplaySocket(wire), OutputStream.nullOutputStream(),
                Clock.systemUTC(), Duration.ofSeconds(5), Instant.now().plusSeconds(3600)));
        DataReader.read(in, out);
        return out.toByteArray();
    }

    /** Writes to two streams, to see the unstuffed text that MessageContent judged. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int v) throws IOException {
            a.write(v);
            b.write(v);
        }
    }
}
