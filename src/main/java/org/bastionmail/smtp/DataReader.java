package org.bastionmail.smtp;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Reads the text after DATA's 354 up to the end-of-data line, removing dot-stuffing (RFC 5321 4.5.2).
 *
 * <p>The end of data is CRLF "." CRLF and nothing else: a line starts only after CRLF, so "\n.\n",
 * "\r.\r", "\n.\r\n" and friends are ordinary text here (and then rejected by {@link MessageContent}
 * for their bare CR or LF). This is the defence against SMTP smuggling.
 */
final class DataReader {
    private enum State { LINE_START, MIDDLE, CR, DOT, DOT_CR }

    private DataReader() {}

    /** Copies the unstuffed text to {@code out} and returns when the end-of-data line was read. */
    static void read(SmtpInput in, OutputStream out) throws IOException {
        State state = State.LINE_START;
        while (true) {
            int b = in.read();
            switch (state) {
                case LINE_START -> {
                    if (b == '.') {
                        state = State.DOT;
                    } else {
                        out.write(b);
                        state = b == '\r' ? State.CR : State.MIDDLE;
                    }
                }
                case MIDDLE -> {
                    out.write(b);
                    state = b == '\r' ? State.CR : State.MIDDLE;
                }
                case CR -> {
                    out.write(b);
                    state = b == '\n' ? State.LINE_START : b == '\r' ? State.CR : State.MIDDLE;
                }
                case DOT -> {
                    // A line starting with '.' loses that dot (RFC 5321 4.5.2), whatever follows.
                    if (b == '\r') {
                        state = State.DOT_CR;
                    } else {
                        out.write(b);
                        state = State.MIDDLE;
                    }
                }
                case DOT_CR -> {
                    if (b == '\n') {
                        return;
                    }
                    out.write('\r');
                    out.write(b);
                    state = b == '\r' ? State.CR : State.MIDDLE;
                }
            }
        }
    }
}
