package org.bastionmail.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageWriterTest {
    private static String all(String content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageWriter.all(new ByteArrayInputStream(content.getBytes(StandardCharsets.ISO_8859_1)), out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static String top(String content, long lines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageWriter.top(new ByteArrayInputStream(content.getBytes(StandardCharsets.ISO_8859_1)), out, lines);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void dotsAtLineStartAreDoubled() throws IOException {
        assertThat(all(".a\r\nb.c\r\n.\r\n..\r\n")).isEqualTo("..a\r\nb.c\r\n..\r\n...\r\n.\r\n");
    }

    @Test
    void bareLineFeedsBecomeCrlfAndAMissingLastLineEndIsAdded() throws IOException {
        assertThat(all("a\nb\r\nc")).isEqualTo("a\r\nb\r\nc\r\n.\r\n");
        assertThat(all(".")).isEqualTo("..\r\n.\r\n");
    }

    @Test
    void emptyMessageIsJustTheTerminator() throws IOException {
        assertThat(all("")).isEqualTo(".\r\n");
    }

    @Test
    void eightBitContentPassesUnchanged() throws IOException {
        assertThat(all("Subject: \u00e9\u00ff\r\n\r\n\u0080\r\n")).isEqualTo("Subject: \u00e9\u00ff\r\n\r\n\u0080\r\n.\r\n");
    }

    @Test
    void topCountsBodyLinesAfterTheBlankLine() throws IOException {
        String msg = "A: 1\r\nB: 2\r\n\r\none\r\n.two\r\nthree\r\n";
        assertThat(top(msg, 0)).isEqualTo("A: 1\r\nB: 2\r\n\r\n.\r\n");
        assertThat(top(msg, 2)).isEqualTo("A: 1\r\nB: 2\r\n\r\none\r\n..two\r\n.\r\n");
        assertThat(top(msg, 10)).isEqualTo(all(msg));
    }

    @Test
    void topOfAMessageWithoutBodyIsTheWholeHeader() throws IOException {
        assertThat(top("A: 1\r\nB: 2", 0)).isEqualTo("A: 1\r\nB: 2\r\n.\r\n");
        assertThat(top("A: 1\n\nbody\n", 0)).isEqualTo("A: 1\r\n\r\n.\r\n");
    }

    @Test
    void bodyLinesAcrossBufferBoundariesAreCountedRight() throws IOException {
        String line = "x".repeat(5000) + "\r\n";
        String msg = "H: v\r\n\r\n" + line.repeat(10);
        String expected = "H: v\r\n\r\n" + line.repeat(3) + ".\r\n";
        assertThat(top(msg, 3)).isEqualTo(expected);
    }
}
