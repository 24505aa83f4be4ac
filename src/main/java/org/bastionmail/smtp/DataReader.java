package org.bastionmail.smtp;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Reads the text after DATA's 354 up to the end-of-data line, removing dot-stuffing (RFC 5321 4.5.2).
 *
 * <p>The end of data is CRLF "." CRLF and nothing else: a line starts only after CRLF, so "\n.\n",
 * "\r.\r", "\n.\r\n" and friends are ordinary text here (and then rejected by {@link MessageContent}
 * for their bare CR or LF). This is the defence against SMTP smuggling.
 *
 * <p>The text is read a buffer at a time and written on in runs between the places where a dot is
 * removed; what was read past the end-of-data line (pipelined commands) is given back to the input.
 */
final class DataReader {
    private enum State { LINE_START, MIDDLE, CR, DOT, DOT_CR }

    private static final int BUFFER = 16 * 1024;

    private DataReader() {}

    /** Copies the unstuffed text to {@code out} and returns when the end-of-data line was read. */
    static void read(SmtpInput in, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER];
        State state = State.LINE_START;
        while (true) {
            int n = in.read(buffer, 0, buffer.length);
            int run = 0; // start of the bytes not yet written
            for (int i = 0; i < n; i++) {
                int b = buffer[i] & 0xff;
                switch (state) {
                    case LINE_START -> {
                        if (b == '.') {
                            // A line starting with '.' loses that dot (RFC 5321 4.5.2), whatever follows.
                            out.write(buffer, run, i - run);
                            run = i + 1;
                            state = State.DOT;
                        } else {
                            state = b == '\r' ? State.CR : State.MIDDLE;
                        }
                    }
                    case MIDDLE -> {
                        // the common case: skip ahead to the next CR
                        while (b != '\r' && ++i < n) {
                            b = buffer[i] & 0xff;
                        }
                        if (b == '\r') {
                            state = State.CR;
                        }
                    }
                    case CR -> state = b == '\n' ? State.LINE_START : b == '\r' ? State.CR : State.MIDDLE;
                    case DOT -> state = b == '\r' ? State.DOT_CR : State.MIDDLE;
                    case DOT_CR -> {
                        if (b == '\n') {
                            // the end-of-data line: the CR at run-1 (or before this buffer) is not text
                            int end = i - 1;
                            if (end > run) {
                                out.write(buffer, run, end - run);
                            }
                            in.unread(n - i - 1);
                            return;
                        }
                        if (i == 0 || run == i) {
                            // the held-back CR was in an earlier buffer, or right before: write it now
                            out.write('\r');
                            run = i;
                        }
                        state = b == '\r' ? State.CR : State.MIDDLE;
                    }
                }
            }
            // A CR after a line-start dot is held back until we know whether LF follows.
            int end = state == State.DOT_CR ? n - 1 : n;
            if (end > run) {
                out.write(buffer, run, end - run);
            }
        }
    }
}
