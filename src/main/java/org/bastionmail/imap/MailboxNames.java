package org.bastionmail.imap;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.bastionmail.store.Mailbox;

/**
 * Mailbox names between the wire and the store. IMAP4rev1 clients send modified UTF-7 (RFC 3501 5.1.3);
 * IMAP4rev2 and UTF8=ACCEPT clients send UTF-8 (RFC 9051 5.1, RFC 6855). The store keeps plain Unicode.
 * Names that look like paths are refused even though the store never uses names as paths.
 */
final class MailboxNames {
    private static final Base64.Decoder B64_DECODER = Base64.getDecoder();
    private static final Base64.Encoder B64_ENCODER = Base64.getEncoder().withoutPadding();

    private MailboxNames() {}

    /** The store name for a name as sent; IllegalArgumentException with a message for the client. */
    static String fromWire(String wire, boolean utf8) {
        String name = utf8 ? wire : decodeUtf7(wire);
        if (name.startsWith("/") || name.endsWith("/")) {
            throw new IllegalArgumentException("Mailbox names do not start or end with /");
        }
        for (String level : name.split("/", -1)) {
            if (level.equals("..") || level.equals(".")) {
                throw new IllegalArgumentException("Mailbox names have no . or .. levels");
            }
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i)) || name.charAt(i) == '\\') {
                throw new IllegalArgumentException("Mailbox names hold no control characters or backslash");
            }
        }
        return Mailbox.checkName(name);
    }

    /** The name as the client should see it. */
    static String toWire(String name, boolean utf8) {
        return utf8 ? name : encodeUtf7(name);
    }

    /** RFC 3501 5.1.3: "&" starts modified base64 of UTF-16, "-" ends it, "&-" is "&". */
    static String decodeUtf7(String wire) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < wire.length()) {
            char c = wire.charAt(i);
            if (c > 0x7e) {
                throw new IllegalArgumentException("Mailbox name is not modified UTF-7 (enable UTF8=ACCEPT)");
            }
            if (c != '&') {
                out.append(c);
                i++;
                continue;
            }
            int end = wire.indexOf('-', i);
            if (end < 0) {
                throw new IllegalArgumentException("Unterminated modified UTF-7 in mailbox name");
            }
            if (end == i + 1) {
                out.append('&');
            } else {
                String b64 = wire.substring(i + 1, end).replace(',', '/');
                byte[] utf16;
                try {
                    utf16 = B64_DECODER.decode(b64);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Invalid modified UTF-7 in mailbox name");
                }
                if (utf16.length % 2 != 0 || utf16.length == 0) {
                    throw new IllegalArgumentException("Invalid modified UTF-7 in mailbox name");
                }
                try {
                    out.append(StandardCharsets.UTF_16BE.newDecoder()
                            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(utf16)));
                } catch (java.nio.charset.CharacterCodingException e) {
                    throw new IllegalArgumentException("Invalid UTF-16 in mailbox name");
                }
            }
            i = end + 1;
        }
        return out.toString();
    }

    static String encodeUtf7(String name) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < name.length()) {
            char c = name.charAt(i);
            if (c >= 0x20 && c <= 0x7e) {
                out.append(c == '&' ? "&-" : String.valueOf(c));
                i++;
                continue;
            }
            int start = i;
            while (i < name.length() && (name.charAt(i) < 0x20 || name.charAt(i) > 0x7e)) {
                i++;
            }
            byte[] utf16 = name.substring(start, i).getBytes(StandardCharsets.UTF_16BE);
            out.append('&').append(B64_ENCODER.encodeToString(utf16).replace('/', ',')).append('-');
        }
        return out.toString();
    }
}
