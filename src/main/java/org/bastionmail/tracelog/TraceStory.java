package org.bastionmail.tracelog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A message's log lines told in words, for {@code bastion trace}: the connection it came on, its
 * reception (envelope, checks, reply), each delivery attempt, and where each recipient stands now.
 * Every value is shown with control and reordering characters escaped: the log holds peers' text.
 */
public final class TraceStory {
    private TraceStory() {}

    /** One line as JSON, escaped as the log writes it. */
    public static String json(JsonNode line) {
        try {
            return TraceJson.MAPPER.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void print(List<ObjectNode> story, PrintWriter out) {
        Map<String, String> outcome = new LinkedHashMap<>();
        for (ObjectNode line : story) {
            switch (TraceReader.field(line, "type")) {
                case "connection" -> connection(line, out);
                case "transaction" -> transaction(line, out, outcome);
                case "delivery" -> delivery(line, out, outcome);
                default -> { }
            }
        }
        out.println("outcome:");
        if (outcome.isEmpty()) {
            out.println("  not accepted");
        }
        outcome.forEach((recipient, state) -> out.println("  " + recipient + ": " + state));
    }

    private static void connection(ObjectNode c, PrintWriter out) {
        out.println(s(c, "ts") + "  connection " + s(c, "session") + " from " + client(c) + " on " + s(c, "listener")
                + tls(c) + user(c));
        out.println("    " + c.path("transactions").asInt() + " transaction(s), " + c.path("duration_ms").asLong()
                + " ms, ended: " + s(c, "end"));
        checks(c, out);
    }

    private static void transaction(ObjectNode t, PrintWriter out, Map<String, String> outcome) {
        out.println(s(t, "ts") + "  reception from " + s(t, "client") + " (helo " + s(t, "helo") + ")" + tls(t) + user(t));
        String from = s(t, "mail_from");
        out.println("    mail from <" + from + ">");
        for (JsonNode r : t.path("rcpt")) {
            out.println("    rcpt to <" + bare(s(r, "address")) + ">: " + s(r, "reply"));
        }
        if (t.has("message_id")) {
            out.println("    message-id " + s(t, "message_id") + ", " + t.path("size").asLong() + " bytes");
        }
        checks(t, out);
        out.println("    reply: " + (t.has("reply") ? s(t, "reply") : "none") + "  => " + s(t, "result")
                + (s(t, "reason").isEmpty() ? "" : " (" + s(t, "reason") + ")"));
        if (t.has("queue_id")) {
            out.println("    queued as " + s(t, "queue_id"));
            for (JsonNode r : t.path("rcpt")) {
                if (s(r, "reply").startsWith("2")) {
                    outcome.put(bare(s(r, "address")), "queued, no delivery attempt logged yet");
                }
            }
        }
    }

    private static void delivery(ObjectNode d, PrintWriter out, Map<String, String> outcome) {
        out.println(s(d, "ts") + "  delivery attempt " + d.path("attempt").asInt() + " (" + s(d, "kind") + ") to "
                + s(d, "recipient") + ": " + s(d, "result")
                + (d.has("remote_host") ? " via " + s(d, "remote_host") : "")
                + ", " + d.path("latency_ms").asLong() + " ms after reception");
        out.println("    " + s(d, "reply"));
        outcome.put(s(d, "recipient"), s(d, "result") + " (" + s(d, "reply") + ")");
    }

    private static void checks(ObjectNode line, PrintWriter out) {
        for (JsonNode check : line.path("checks")) {
            out.println("    check " + s(check, "name") + ": " + s(check, "result")
                    + (check.has("detail") ? " (" + s(check, "detail") + ")" : "")
                    + (check.path("refused").asBoolean() ? " -> refused" : ""));
        }
    }

    private static String client(ObjectNode c) {
        String ip = s(c, "client");
        String where = (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + c.path("port").asInt();
        return c.has("rdns") ? s(c, "rdns") + " " + where : where;
    }

    private static String tls(ObjectNode line) {
        JsonNode tls = line.path("tls");
        return tls.isObject() ? ", " + s(tls, "protocol") + " " + s(tls, "cipher") : ", no TLS";
    }

    private static String user(ObjectNode line) {
        return line.has("user") ? ", user " + s(line, "user") : "";
    }

    private static String bare(String address) {
        return address.startsWith("<") && address.endsWith(">") ? address.substring(1, address.length() - 1) : address;
    }

    private static String s(JsonNode node, String field) {
        return printable(TraceReader.field(node, field));
    }

    /** {@code text} with every character that could act on a terminal written as {@code \}{@code uXXXX}. */
    public static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (TraceJson.unsafeToShow(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
