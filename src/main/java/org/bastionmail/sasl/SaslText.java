package org.bastionmail.sasl;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Strict UTF-8 decoding of the fields of SASL messages: malformed input is refused, never replaced. */
final class SaslText {
    private SaslText() {}

    /** Decodes {@code bytes[from, to)} as UTF-8, or empty if it is not valid UTF-8 or holds a NUL. */
    static Optional<String> utf8(byte[] bytes, int from, int to) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, to - from))
                    .toString();
            return s.indexOf('\0') >= 0 ? Optional.empty() : Optional.of(s);
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    static Optional<String> utf8(byte[] bytes) {
        return utf8(bytes, 0, bytes.length);
    }

    /** Whether {@code bytes[from, to)} is valid UTF-8, without keeping the decoded text (passwords). */
    static boolean isUtf8(byte[] bytes, int from, int to) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, to - from));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
