package org.bastionmail.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.bastionmail.net.ClientInput;
import org.junit.jupiter.api.Test;

/**
 * DataReader reads whole buffers and gives back what follows the end-of-data line: the dots, CRs and
 * LFs that matter fall on every buffer boundary here, and the result must be what a byte-at-a-time
 * reading of RFC 5321 4.5.2 gives.
 */
class DataReaderBufferTest {

    /** The reference: byte at a time, the end of data only at CRLF "." CRLF, a line-start dot removed. */
    private static byte[][] reference(byte[] wire) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean lineStart = true;
        int i = 0;
        while (true) {
            if (lineStart && wire[i] == '.') {
                if (wire[i + 1] == '\r' && wire[i + 2] == '\n') {
                    byte[] rest = java.util.Arrays.copyOfRange(wire, i + 3, wire.length);
                    return new byte[][] {out.toByteArray(), rest};
                }
                i++; // the stuffed dot
                lineStart = false;
                continue;
            }
            out.write(wire[i]);
            lineStart = wire[i] == '\n' && i > 0 && wire[i - 1] == '\r' && out.size() >= 2;
            i++;
        }
    }

    private static byte[][] read(byte[] wire) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    client.getOutputStream().write(wire);
                    client.shutdownOutput();
                } catch (IOException e) {
                    // the reader fails then
                }
            });
            SmtpInput in = new SmtpInput(new ClientInput(accepted, OutputStream.nullOutputStream(),
                    Clock.systemUTC(), Duration.ofSeconds(5), Instant.now().plusSeconds(60)));
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            DataReader.read(in, text);
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            try {
                while (true) {
                    rest.write(in.read());
                }
            } catch (EOFException end) {
                // all read
            }
            writer.join();
            return new byte[][] {text.toByteArray(), rest.toByteArray()};
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    @Test
    void random_texts_read_as_byte_at_a_time_would() throws IOException {
        Random random = new Random(7);
        byte[] alphabet = {'.', '.', '\r', '\n', '\r', '\n', 'a', 'b'};
        for (int round = 0; round < 300; round++) {
            int length = random.nextInt(40_000);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            wire.writeBytes("\r\n".getBytes());
            for (int i = 0; i < length; i++) {
                wire.write(random.nextInt(4) == 0 ? alphabet[random.nextInt(alphabet.length)] : 'x');
            }
            wire.writeBytes("\r\n.\r\nQUIT\r\n".getBytes());
            byte[] bytes = wire.toByteArray();
            byte[][] expected = reference(bytes);
            byte[][] actual = read(bytes);
            assertThat(actual[0]).as("text, round %d", round).isEqualTo(expected[0]);
            assertThat(actual[1]).as("rest, round %d", round).isEqualTo(expected[1]);
        }
    }

    @Test
    void end_of_data_split_at_every_buffer_boundary() throws IOException {
        // ClientInput's buffer starts at 512 bytes and grows: put the end line across the first boundaries
        for (int pad = 500; pad < 530; pad++) {
            String body = "\r\n" + "y".repeat(pad) + "\r\n..dot\r\n.\r\nNEXT";
            byte[] wire = body.getBytes();
            byte[][] actual = read(wire);
            assertThat(new String(actual[0])).isEqualTo("\r\n" + "y".repeat(pad) + "\r\n.dot\r\n");
            assertThat(new String(actual[1])).isEqualTo("NEXT");
        }
    }
}
