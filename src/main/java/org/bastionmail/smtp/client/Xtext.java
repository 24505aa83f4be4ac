package org.bastionmail.smtp.client;

import java.nio.charset.StandardCharsets;

/** xtext encoding of DSN parameters (RFC 3461 4): "+" and "=", controls and non-ASCII as "+XX". */
final class Xtext {
    private Xtext() {}

    static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 33 && c <= 126 && c != '+' && c != '=') {
                out.append((char) c);
            } else {
                out.append('+').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }
}
