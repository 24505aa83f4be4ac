package org.bastionmail.smtp.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies message content into the DATA stream (RFC 5321 4.5.2): a line starting with "." gets another
 * ".", every line ends in CRLF (a bare LF or bare CR becomes CRLF, RFC 5321 2.3.8), and the content ends
 * with CRLF "." CRLF.
 */
final class DotStuffer {
    private static final int BUFFER = 16 * 1024;

    private DotStuffer() {}

    static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] input = new byte[BUFFER];
        byte[] output = new byte[BUFFER * 2 + 4];
        boolean lineStart = true;
        boolean pendingCr = false;
        int n;
        while ((n = in.read(input)) > 0) {
            int o = 0;
            for (int i = 0; i < n; i++) {
                byte b = input[i];
                if (pendingCr) {
                    pendingCr = false;
                    output[o++] = '\r';
                    output[o++] = '\n';
                    lineStart = true;
                    if (b == '\n') {
                        continue; // CRLF: already written
                    }
                }
                if (b == '\r') {
                    pendingCr = true;
                    continue;
                }
                if (b == '\n') {
                    output[o++] = '\r';
                    output[o++] = '\n';
                    lineStart = true;
                    continue;
                }
                if (lineStart && b == '.') {
                    output[o++] = '.';
                }
                output[o++] = b;
                lineStart = false;
            }
            out.write(output, 0, o);
        }
        if (pendingCr || !lineStart) {
            out.write(new byte[] {'\r', '\n'});
        }
        out.write(new byte[] {'.', '\r', '\n'});
    }
}
