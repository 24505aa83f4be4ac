package org.bastionmail.imap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One response line being built, with IMAP's ways of writing values (RFC 9051 4): atoms and numbers
 * as they are, strings quoted when they can be and as literals otherwise, NIL for absent.
 */
final class Response {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Response raw(String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    Response number(long n) {
        return raw(Long.toString(n));
    }

    /** A string: quoted if it is printable ASCII, else a literal (safe for IMAP4rev1 clients too). */
    Response string(String text) {
        boolean quotable = text.length() <= 1000;
        for (int i = 0; i < text.length() && quotable; i++) {
            char c = text.charAt(i);
            quotable = c >= 0x20 && c < 0x7f;
        }
        if (!quotable) {
            return literal(text.getBytes(StandardCharsets.UTF_8));
        }
        out.write('"');
        raw(text.replace("\\", "\\\\").replace("\"", "\\\""));
        out.write('"');
        return this;
    }

    Response nstring(String textOrNull) {
        return textOrNull == null ? raw("NIL") : string(textOrNull);
    }

    Response literal(byte[] bytes) {
        raw("{" + bytes.length + "}\r\n");
        out.writeBytes(bytes);
        return this;
    }

    boolean isEmpty() {
        return out.size() == 0;
    }

    String toText() {
        return out.toString(StandardCharsets.UTF_8);
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
