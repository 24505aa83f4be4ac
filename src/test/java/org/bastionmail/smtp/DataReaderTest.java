package org.bastionmail.smtp;

import org.bastionmail.net.ClientInput;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.bastionmail.config.Config;
import org.junit.jupiter.api.Test;

/** DataReader and MessageContent on raw bytes (through a loopback socket, as SmtpInput reads sockets). */
class DataReaderTest {

    record Result(String stored, Optional<Reply> problem, String rest) {}

    private static Result read(String wire) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            client.getOutputStream().write(wire.getBytes(StandardCharsets.ISO_8859_1));
            client.shutdownOutput();
            SmtpInput in = new SmtpInput(new ClientInput(accepted, OutputStream.nullOutputStream(),
                    Clock.systemUTC(), Duration.ofSeconds(5), Instant.now().plusSeconds(60)));
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            MessageContent content = new MessageContent(Config.Limits.defaults(), sink, header -> {
                byte[] prefix = "P\r\n".getBytes();
                byte[] all = java.util.Arrays.copyOf(prefix, prefix.length + header.length);
                System.arraycopy(header, 0, all, prefix.length, header.length);
                return all;
            });
            DataReader.read(in, content);
            Optional<Reply> problem = content.finish();
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            try {
                while (true) {
                    rest.write(in.read());
                }
            } catch (java.io.EOFException end) {
                // all read
            }
            return new Result(sink.toString(StandardCharsets.ISO_8859_1), problem, rest.toString(StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void plain_message_gets_prefix_before_header() throws IOException {
        Result r = read("A: 1\r\n\r\nbody\r\n.\r\nNEXT");
        assertThat(r.stored()).isEqualTo("P\r\nA: 1\r\n\r\nbody\r\n");
        assertThat(r.problem()).isEmpty();
        assertThat(r.rest()).isEqualTo("NEXT");
    }

    @Test
    void header_only_message() throws IOException {
        Result r = read("A: 1\r\n.\r\n");
        assertThat(r.stored()).isEqualTo("P\r\nA: 1\r\n");
        assertThat(r.problem()).isEmpty();
    }

    @Test
    void dot_stuffing() throws IOException {
        assertThat(read("A: 1\r\n\r\n..\r\n...x\r\n.y\r\n.\r\n").stored()).isEqualTo("P\r\nA: 1\r\n\r\n.\r\n..x\r\ny\r\n");
    }

    @Test
    void only_crlf_dot_crlf_ends_data() throws IOException {
        for (String fake : new String[] {"\n.\n", "\r.\r", "\r\n.\n", "\n.\r\n", "\r.\r\n", "\r\n.\r"}) {
            Result r = read("A: 1\r\n\r\nx" + fake + "SMUGGLED\r\n.\r\nNEXT");
            assertThat(r.rest()).as(fake.replace("\r", "CR").replace("\n", "LF")).isEqualTo("NEXT");
            assertThat(r.problem()).contains(Reply.BARE_NEWLINE_DATA);
        }
    }

    @Test
    void nul_is_refused() throws IOException {
        assertThat(read("A: 1\r\n\r\nx\0y\r\n.\r\n").problem()).contains(Reply.NUL_IN_DATA);
    }

    @Test
    void eight_bit_bytes_pass() throws IOException {
        Result r = read("A: \u00e9\r\n\r\n\u00ff\r\n.\r\n");
        assertThat(r.problem()).isEmpty();
        assertThat(r.stored()).endsWith("\u00ff\r\n");
    }
}
