package org.bastionmail.tracelog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        ObjectNode json = MAPPER.createObjectNode();
        json.put("ts", event.at().toString());
        switch (event) {
            case TraceEvent.Connection c -> {
                json.put("type", "connection");
                json.put("session", text(c.session()));
                json.put("client", text(c.client()));
                json.put("port", c.port());
                c.rdns().ifPresent(r -> json.put("rdns", text(r)));
                json.put("listener", text(c.listener()));
                tls(json, c.tls());
                c.user().ifPresent(u -> json.put("user", text(u)));
                json.put("transactions", c.transactions());
                json.put("duration_ms", c.duration().toMillis());
                json.put("end", text(c.end()));
                checks(json, c.checks());
            }
            case TraceEvent.Transaction t -> {
                json.put("type", "transaction");
                json.put("session", text(t.session()));
                json.put("client", text(t.client()));
                json.put("helo", text(t.helo()));
                tls(json, t.tls());
                t.user().ifPresent(u -> json.put("user", text(u)));
                json.put("mail_from", text(t.mailFrom()));
                ArrayNode rcpts = json.putArray("rcpt");
                t.recipients().forEach(r -> rcpts.addObject().put("address", text(r.address())).put("reply", text(r.reply())));
                t.messageId().ifPresent(m -> json.put("message_id", text(m)));
                json.put("size", t.size());
                checks(json, t.checks());
                t.queueId().ifPresent(q -> json.put("queue_id", text(q)));
                t.reply().ifPresent(r -> json.put("reply", text(r)));
                json.put("result", text(t.result()));
                json.put("reason", text(t.reason()));
            }
            case TraceEvent.Delivery d -> {
                json.put("type", "delivery");
                json.put("queue_id", text(d.queueId()));
                json.put("recipient", text(d.recipient()));
                json.put("kind", text(d.kind()));
                json.put("result", text(d.result()));
                d.remoteHost().ifPresent(h -> json.put("remote_host", text(h)));
                json.put("reply", text(d.reply()));
                json.put("attempt", d.attempt());
                json.put("latency_ms", d.latency().toMillis());
            }
        }
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written", e);
        }
    }

    private static void tls(ObjectNode json, Optional<TraceEvent.Tls> tls) {
        tls.ifPresent(t -> json.putObject("tls").put("protocol", text(t.protocol())).put("cipher", text(t.cipher())));
    }

    private static void checks(ObjectNode json, List<TraceEvent.Check> checks) {
        ArrayNode array = json.putArray("checks");
        for (TraceEvent.Check check : checks) {
            ObjectNode node = array.addObject().put("name", text(check.name())).put("result", text(check.result()));
            if (!check.detail().isEmpty()) {
                node.put("detail", text(check.detail()));
            }
            if (check.refused()) {
                node.put("refused", true);
            }
        }
    }

    /** At most {@link #MAX_VALUE} chars, never half a surrogate pair; lone surrogates become U+FFFD. */
    static String text(String value) {
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
