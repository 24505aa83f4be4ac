package org.bastionmail.pop3;

import java.io.IOException;
import java.util.Arrays;
import org.bastionmail.net.ClientInput;

/**
 * The client's lines as POP3 reads them (RFC 1939 3). Buffering, deadlines and the look into the buffer
 * for STLS are {@link ClientInput}'s.
 */
final class Pop3Input {
    private final ClientInput bytes;

    Pop3Input(ClientInput bytes) {
        this.bytes = bytes;
    }

    /** A line without its line end, and what was wrong with it. */
    record Line(byte[] bytes, Problem problem) {}

    enum Problem { NONE, TOO_LONG, CONTROL }

    /**
     * Reads one line up to LF. CRLF is the line end (RFC 1939 3); a bare LF is taken as one too, since
     * nothing a POP3 client sends is message data that could be smuggled. A CR or NUL inside the line
     * marks it. A line longer than {@code max} octets (line end included) is read to its end and dropped.
     */
    Line readLine(int max) throws IOException {
        byte[] line = new byte[Math.min(max, 256)];
        int length = 0;
        long consumed = 0;
        Problem problem = Problem.NONE;
        while (true) {
            int b = bytes.read();
            consumed++;
            if (b == '\n') {
                break;
            }
            if (length < max) {
                if (length == line.length) {
                    line = Arrays.copyOf(line, Math.min(max, line.length * 2));
                }
                line[length++] = (byte) b;
            }
        }
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        if (consumed > max) {
            return new Line(new byte[0], Problem.TOO_LONG);
        }
        for (int i = 0; i < length; i++) {
            if (line[i] == '\r' || line[i] == 0) {
                problem = Problem.CONTROL;
            }
        }
        return new Line(Arrays.copyOf(line, length), problem);
    }
}
