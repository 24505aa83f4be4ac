package org.bastionmail.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DotStufferTest {
    private static String stuff(String content) throws IOException {
        return stuff(new ByteArrayInputStream(content.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static String stuff(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DotStuffer.copy(in, out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a\\r\\nb\\r\\n|a\\r\\nb\\r\\n.\\r\\n",
        ".x\\r\\n.\\r\\n..\\r\\n|..x\\r\\n..\\r\\n...\\r\\n.\\r\\n",
        "a\\nb\\n|a\\r\\nb\\r\\n.\\r\\n",
        "a\\rb|a\\r\\nb\\r\\n.\\r\\n",
        "no end|no end\\r\\n.\\r\\n",
        "a\\r|a\\r\\n.\\r\\n",
        "\\n.\\n|\\r\\n..\\r\\n.\\r\\n",
        "x.y\\r\\n|x.y\\r\\n.\\r\\n"})
    void stuffsAndNormalises(String input, String expected) throws IOException {
        assertThat(stuff(unescape(input))).isEqualTo(unescape(expected));
    }

    @Test
    void emptyContentIsJustTheDot() throws IOException {
        assertThat(stuff("")).isEqualTo(".\r\n");
    }

    /** A CR at the end of one read and LF at the start of the next is still one CRLF. */
    @Test
    void crlfSplitAcrossReads() throws IOException {
        InputStream oneByteAtATime = new ByteArrayInputStream("a\r\n.b\r\n".getBytes(StandardCharsets.US_ASCII)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(1, len));
            }
        };
        assertThat(stuff(oneByteAtATime)).isEqualTo("a\r\n..b\r\n.\r\n");
    }

    @Test
    void largeContentCrossesBuffers() throws IOException {
        String line = ".".repeat(999) + "\n";
        String out = stuff(line.repeat(100));
        assertThat(out).isEqualTo((".".repeat(1000) + "\r\n").repeat(100) + ".\r\n");
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n");
    }
}
