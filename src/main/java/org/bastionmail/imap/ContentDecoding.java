package org.bastionmail.imap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;

/** Undoes Content-Transfer-Encoding (RFC 3516 BINARY) and charsets (SEARCH), with Mime4j's decoders. */
final class ContentDecoding {
    private static final int MAX_SEARCH_TEXT = 4 << 20;

    private ContentDecoding() {}

    /** The decoded body of a leaf part; empty for an unknown encoding (RFC 3516 UNKNOWN-CTE). */
    static Optional<byte[]> decodedBody(MimeEntity part) {
        byte[] body = part.body();
        try {
            return switch (part.transferEncoding()) {
                case "7bit", "8bit", "binary" -> Optional.of(body);
                case "base64" -> Optional.of(readAll(new Base64InputStream(new ByteArrayInputStream(body),
                        DecodeMonitor.SILENT)));
                case "quoted-printable" -> Optional.of(readAll(new QuotedPrintableInputStream(
                        new ByteArrayInputStream(body), DecodeMonitor.SILENT)));
                default -> Optional.empty();
            };
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    /** A header value with RFC 2047 encoded words decoded, for SEARCH. */
    static String headerText(String value) {
        if (value == null) {
            return "";
        }
        try {
            return DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT);
        } catch (RuntimeException e) {
            return value;
        }
    }

    /** The text of all text/* leaves, decoded, for SEARCH BODY and TEXT. */
    static String bodyText(MimeEntity entity) {
        StringBuilder out = new StringBuilder();
        collect(entity, out);
        return out.toString();
    }

    private static void collect(MimeEntity entity, StringBuilder out) {
        if (out.length() > MAX_SEARCH_TEXT) {
            return;
        }
        if (entity.isMultipart()) {
            entity.children.forEach(child -> collect(child, out));
        } else if (entity.isMessage() && entity.message.isPresent()) {
            MimeEntity inner = entity.message.get();
            inner.fields.forEach(f -> out.append(headerText(f.value())).append('\n'));
            collect(inner, out);
        } else if (entity.type.equals("text")) {
            byte[] bytes = decodedBody(entity).orElse(entity.body());
            out.append(new String(bytes, charset(entity.params.get("charset")))).append('\n');
        }
    }

    private static Charset charset(String name) {
        if (name == null) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name.trim());
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
