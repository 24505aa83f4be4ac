package org.bastionmail.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Sends a message as a multi-line response (RFC 1939 3): lines end in CRLF, a line that begins with "."
 * gets another "." in front, and ".CRLF" ends it. The content is streamed, never held whole.
 */
final class MessageWriter {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] TERMINATOR = {'.', '\r', '\n'};

    private MessageWriter() {}

    /** The whole message (RETR). */
    static void all(InputStream content, OutputStream out) throws IOException {
        write(content, out, Long.MAX_VALUE);
    }

    /** The header section, the blank line, and at most {@code bodyLines} lines of the body (RFC 1939 7 TOP). */
    static void top(InputStream content, OutputStream out, long bodyLines) throws IOException {
        write(content, out, bodyLines);
    }

    private static void write(InputStream content, OutputStream out, long bodyLines) throws IOException {
        byte[] buffer = new byte[8192];
        boolean lineStart = true;
        boolean inBody = false;
        long bodyLinesLeft = bodyLines;
        int lineLength = 0; // octets of the current line, CR not counted
        int previous = -1;
        read:
        for (int n = content.read(buffer); n >= 0; n = content.read(buffer)) {
            for (int i = 0; i < n; i++) {
                if (lineStart && inBody && bodyLinesLeft == 0) {
                    break read;
                }
                int b = buffer[i] & 0xff;
                if (b == '\n') {
                    // A bare LF in stored content still goes out as CRLF: the client must see lines.
                    if (previous != '\r') {
                        out.write('\r');
                    }
                    out.write('\n');
                    if (!inBody && lineLength == 0) {
                        inBody = true; // RFC 5322 2.1: the first empty line ends the header section
                    } else if (inBody) {
                        bodyLinesLeft--;
                    }
                    lineStart = true;
                    lineLength = 0;
                } else {
                    if (lineStart && b == '.') {
                        out.write('.'); // RFC 1939 3: byte-stuff the termination octet
                    }
                    out.write(b);
                    lineStart = false;
                    if (b != '\r') {
                        lineLength++;
                    }
                }
                previous = b;
            }
        }
        if (!lineStart) {
            out.write(CRLF);
        }
        out.write(TERMINATOR);
    }
}
