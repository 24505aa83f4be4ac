package org.bastionmail.smtp;

import java.io.IOException;
import java.util.Arrays;
import org.bastionmail.net.ClientInput;

/**
 * The client's bytes as SMTP reads them: lines by the rules of RFC 5321, and raw bytes for DATA and BDAT.
 * Buffering, deadlines and the look into the buffer for STARTTLS are {@link ClientInput}'s.
 */
final class SmtpInput {
    private final ClientInput bytes;

    SmtpInput(ClientInput bytes) {
        this.bytes = bytes;
    }

    /** Whether bytes the client sent are already read from the socket but not consumed. */
    boolean hasBuffered() {
        return bytes.hasBuffered();
    }

    /** One byte, or EOFException at the end of the stream. */
    int read() throws IOException {
        return bytes.read();
    }

    /** Reads up to {@code len} bytes (at least one), blocking only when nothing is buffered. */
    int read(byte[] dst, int off, int len) throws IOException {
        return bytes.read(dst, off, len);
    }

    /** Gives back the last {@code n} bytes of the previous {@link #read(byte[], int, int)}. */
    void unread(int n) {
        bytes.unread(n);
    }

    /** A line as read: its bytes without the line end, and what was wrong with it. */
    record Line(byte[] bytes, Problem problem) {}

    enum Problem { NONE, TOO_LONG, BARE_NEWLINE, NUL }

    /**
     * Reads one line up to LF. Only CRLF ends a line properly; a bare CR or LF, or a NUL, marks the line
     * (RFC 5321 2.3.8). A line longer than {@code max} (CRLF included) is consumed to its LF without
     * being kept (RFC 5321 4.5.3.1.4).
     */
    Line readLine(int max) throws IOException {
        byte[] line = new byte[Math.min(max, 256)];
        int length = 0;
        int consumed = 0;
        Problem problem = Problem.NONE;
        int previous = -1;
        while (true) {
            int b = read();
            consumed++;
            if (b == '\n') {
                if (previous != '\r') {
                    problem = worst(problem, Problem.BARE_NEWLINE);
                } else {
                    length--; // the CR we kept
                }
                break;
            }
            if (previous == '\r') {
                problem = worst(problem, Problem.BARE_NEWLINE);
            }
            if (b == 0) {
                problem = worst(problem, Problem.NUL);
            }
            if (consumed < max) {
                if (length == line.length) {
                    line = Arrays.copyOf(line, Math.min(max, line.length * 2));
                }
                line[length++] = (byte) b;
            } else {
                problem = worst(problem, Problem.TOO_LONG);
            }
            previous = b;
        }
        if (consumed > max) {
            problem = worst(problem, Problem.TOO_LONG);
        }
        return new Line(Arrays.copyOf(line, Math.max(0, length)), problem);
    }

    private static Problem worst(Problem a, Problem b) {
        return a == Problem.NONE ? b : a;
    }
}
