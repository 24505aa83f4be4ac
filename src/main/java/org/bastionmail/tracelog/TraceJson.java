package org.bastionmail.tracelog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;

/**
 * One event as one JSON line (JSON Lines). Jackson escapes quotes, backslashes and control characters;
 * on top of that, C1 controls, line and paragraph separators and bidirectional overrides are written as
 * {@code \}{@code uXXXX}, so a line shown in a terminal cannot move the cursor or reorder text. Every
 * string is cut to {@link #MAX_VALUE} characters: one huge HELO cannot make a huge line.
 */
public final class TraceJson {
    /** The longest string value written, in chars; longer ones end in {@link #CUT}. */
    public static final int MAX_VALUE = 1000;
    static final String CUT = "...[truncated]";

    static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        MAPPER.getFactory().setCharacterEscapes(new Escapes());
    }

    private TraceJson() {}

    /** The event as one line, without the line feed. */
    public static String line(TraceEvent event) {
        // Streamed field by field (no tree of nodes per event): the same fields in the same order, through
        // the same factory and so the same escapes as a tree written by MAPPER.
        StringWriter out = new StringWriter(512);
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("ts", event.at().toString());
            switch (event) {
                case TraceEvent.Connection c -> {
                    json.writeStringField("type", "connection");
                    json.writeStringField("session", text(c.session()));
                    json.writeStringField("client", text(c.client()));
                    json.writeNumberField("port", c.port());
                    if (c.rdns().isPresent()) {
                        json.writeStringField("rdns", text(c.rdns().get()));
                    }
                    json.writeStringField("listener", text(c.listener()));
                    tls(json, c.tls());
                    if (c.user().isPresent()) {
                        json.writeStringField("user", text(c.user().get()));
                    }
                    json.writeNumberField("transactions", c.transactions());
                    json.writeNumberField("duration_ms", c.duration().toMillis());
                    json.writeStringField("end", text(c.end()));
                    checks(json, c.checks());
                }
                case TraceEvent.Transaction t -> {
                    json.writeStringField("type", "transaction");
                    json.writeStringField("session", text(t.session()));
                    json.writeStringField("client", text(t.client()));
                    json.writeStringField("helo", text(t.helo()));
                    tls(json, t.tls());
                    if (t.user().isPresent()) {
                        json.writeStringField("user", text(t.user().get()));
                    }
                    json.writeStringField("mail_from", text(t.mailFrom()));
                    json.writeArrayFieldStart("rcpt");
                    for (TraceEvent.Recipient r : t.recipients()) {
                        json.writeStartObject();
                        json.writeStringField("address", text(r.address()));
                        json.writeStringField("reply", text(r.reply()));
                        json.writeEndObject();
                    }
                    json.writeEndArray();
                    if (t.messageId().isPresent()) {
                        json.writeStringField("message_id", text(t.messageId().get()));
                    }
                    json.writeNumberField("size", t.size());
                    checks(json, t.checks());
                    if (t.queueId().isPresent()) {
                        json.writeStringField("queue_id", text(t.queueId().get()));
                    }
                    if (t.reply().isPresent()) {
                        json.writeStringField("reply", text(t.reply().get()));
                    }
                    json.writeStringField("result", text(t.result()));
                    json.writeStringField("reason", text(t.reason()));
                }
                case TraceEvent.Delivery d -> {
                    json.writeStringField("type", "delivery");
                    json.writeStringField("queue_id", text(d.queueId()));
                    json.writeStringField("recipient", text(d.recipient()));
                    json.writeStringField("kind", text(d.kind()));
                    json.writeStringField("result", text(d.result()));
                    if (d.remoteHost().isPresent()) {
                        json.writeStringField("remote_host", text(d.remoteHost().get()));
                    }
                    json.writeStringField("reply", text(d.reply()));
                    json.writeNumberField("attempt", d.attempt());
                    json.writeNumberField("latency_ms", d.latency().toMillis());
                }
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("a JSON line that cannot be written", e);
        }
        return out.toString();
    }

    private static void tls(JsonGenerator json, Optional<TraceEvent.Tls> tls) throws IOException {
        if (tls.isPresent()) {
            json.writeObjectFieldStart("tls");
            json.writeStringField("protocol", text(tls.get().protocol()));
            json.writeStringField("cipher", text(tls.get().cipher()));
            json.writeEndObject();
        }
    }

    private static void checks(JsonGenerator json, List<TraceEvent.Check> checks) throws IOException {
        json.writeArrayFieldStart("checks");
        for (TraceEvent.Check check : checks) {
            json.writeStartObject();
            json.writeStringField("name", text(check.name()));
            json.writeStringField("result", text(check.result()));
            if (!check.detail().isEmpty()) {
                json.writeStringField("detail", text(check.detail()));
            }
            if (check.refused()) {
                json.writeBooleanField("refused", true);
            }
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    /** At most {@link #MAX_VALUE} chars, never half a surrogate pair; lone surrogates become U+FFFD. */
    static String text(String value) {
        if (value.length() <= MAX_VALUE && !hasSurrogate(value)) {
            return value; // the usual case: nothing to cut or replace, no copy
        }
        boolean cut = value.length() > MAX_VALUE;
        String kept = cut ? value.substring(0, MAX_VALUE) : value;
        StringBuilder out = new StringBuilder(kept.length() + CUT.length());
        for (int i = 0; i < kept.length(); i++) {
            char c = kept.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < kept.length() && Character.isLowSurrogate(kept.charAt(i + 1))) {
                out.append(c).append(kept.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        return cut ? out.append(CUT).toString() : out.toString();
    }

    private static boolean hasSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isSurrogate(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** Whether a character could move a terminal's cursor or reorder text when shown. */
    static boolean unsafeToShow(int c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f;
    }

    private static final class Escapes extends CharacterEscapes {
        private static final int[] ASCII = standardAsciiEscapesForJSON();

        static {
            ASCII[0x7f] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ASCII;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return unsafeToShow(ch) ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }
}
