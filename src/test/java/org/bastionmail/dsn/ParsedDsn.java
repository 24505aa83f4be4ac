package org.bastionmail.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.MimeConfig;

/** A DSN as Apache Mime4j reads it, with the delivery-status fields split into groups. */
record ParsedDsn(Message message, List<Entity> parts, String text, List<Map<String, String>> status,
        byte[] returned) {

    static ParsedDsn parse(byte[] bytes) throws IOException {
        checkLines(bytes);
        DefaultMessageBuilder builder = new DefaultMessageBuilder();
        // Strict: a malformed header or an over-long line fails the test instead of being guessed at.
        builder.setMimeEntityConfig(new MimeConfig.Builder().setStrictParsing(true).setMaxLineLen(1000)
                .setMaxHeaderLen(-1).build());
        Message message = builder.parseMessage(new ByteArrayInputStream(bytes));
        List<Entity> parts = ((Multipart) message.getBody()).getBodyParts();
        assertThat(parts).hasSize(3);
        String text = new String(bytes(parts.get(0)), StandardCharsets.UTF_8);
        List<Map<String, String>> status = groups(new String(bytes(parts.get(1)), StandardCharsets.UTF_8));
        byte[] returned = parts.get(2).getBody() instanceof SingleBody ? bytes(parts.get(2)) : new byte[0];
        return new ParsedDsn(message, parts, text, status, returned);
    }

    /** RFC 5322 2.1.1 / RFC 5321 4.5.3.1.6: CRLF only, no line over 998 bytes. */
    static void checkLines(byte[] bytes) {
        int lineStart = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                assertThat(i).as("LF at %d preceded by CR", i).isGreaterThan(0);
                assertThat(bytes[i - 1]).as("bare LF at %d", i).isEqualTo((byte) '\r');
                assertThat(i - 1 - lineStart).as("line length at %d", i).isLessThanOrEqualTo(998);
                lineStart = i + 1;
            } else if (bytes[i] == '\r') {
                assertThat(i + 1 < bytes.length && bytes[i + 1] == '\n').as("bare CR at %d", i).isTrue();
            }
        }
        assertThat(lineStart).as("ends with CRLF").isEqualTo(bytes.length);
    }

    static byte[] bytes(Entity entity) throws IOException {
        try (var in = ((SingleBody) entity.getBody()).getInputStream()) {
            return in.readAllBytes();
        }
    }

    /** RFC 3464 2.1: groups of fields separated by empty lines; names lower-cased, values unfolded. */
    static List<Map<String, String>> groups(String body) {
        List<Map<String, String>> groups = new ArrayList<>();
        for (String block : body.split("\r\n\r\n")) {
            if (block.isBlank()) {
                continue;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : block.replace("\r\n ", " ").replace("\r\n\t", "\t").split("\r\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                int colon = line.indexOf(':');
                assertThat(colon).as("field line: %s", line).isPositive();
                String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
                assertThat(fields).as("field %s twice in a group", name).doesNotContainKey(name);
                fields.put(name, line.substring(colon + 1).strip());
            }
            groups.add(fields);
        }
        return groups;
    }

    Map<String, String> perMessage() {
        return status.getFirst();
    }

    List<Map<String, String>> perRecipient() {
        return status.subList(1, status.size());
    }

    String header(String name) {
        var field = message.getHeader().getField(name);
        return field == null ? null : field.getBody();
    }
}
