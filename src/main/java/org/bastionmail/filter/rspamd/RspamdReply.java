package org.bastionmail.filter.rspamd;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * rspamd's answer to {@code /checkv2}, read strictly: a JSON object with a known {@code action}, a finite
 * {@code score} and {@code required_score}, and well-formed {@code symbols}; fields rspamd adds over versions
 * are ignored, anything malformed is an {@link IOException}, never "no action".
 *
 * @param action what rspamd advises
 * @param score the message's score
 * @param requiredScore the score at which rspamd would reject
 * @param symbols the names of the rules that matched, at most {@link #MAX_SYMBOLS}
 * @param smtpMessage the reply text rspamd suggests (messages.smtp_message), printable ASCII, bounded
 */
record RspamdReply(Action action, double score, double requiredScore, List<String> symbols, Optional<String> smtpMessage) {
    static final int MAX_BYTES = 1 << 20;
    static final int MAX_SYMBOLS = 10_000;

    /** The actions rspamd 3 knows (rspamd's "Actions" documentation). */
    enum Action {
        NO_ACTION("no action"), GREYLIST("greylist"), ADD_HEADER("add header"), REWRITE_SUBJECT("rewrite subject"),
        SOFT_REJECT("soft reject"), REJECT("reject");

        final String text;

        Action(String text) {
            this.text = text;
        }

        static Optional<Action> of(String text) {
            for (Action a : values()) {
                if (a.text.equals(text)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxStringLength(65_536)
                    .maxNumberLength(64).maxDocumentLength(MAX_BYTES).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static RspamdReply parse(byte[] body) throws IOException {
        if (body.length > MAX_BYTES) {
            throw new IOException("rspamd reply over " + MAX_BYTES + " octets");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException | RuntimeException e) {
            throw new IOException("rspamd reply is not JSON: " + e.getClass().getSimpleName());
        }
        if (root == null || !root.isObject()) {
            throw new IOException("rspamd reply is not a JSON object");
        }
        JsonNode actionNode = root.get("action");
        if (actionNode == null || !actionNode.isTextual()) {
            throw new IOException("rspamd reply has no action");
        }
        Action action = Action.of(actionNode.asText())
                .orElseThrow(() -> new IOException("unknown rspamd action: " + printable(actionNode.asText(), 40)));
        double score = finite(root, "score");
        double required = finite(root, "required_score");
        List<String> symbols = new ArrayList<>();
        JsonNode symbolsNode = root.get("symbols");
        if (symbolsNode != null) {
            if (!symbolsNode.isObject() || symbolsNode.size() > MAX_SYMBOLS) {
                throw new IOException("rspamd symbols are not an object of at most " + MAX_SYMBOLS + " entries");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = symbolsNode.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> symbol = it.next();
                if (!symbol.getValue().isObject() || !symbol.getKey().matches("[\\x21-\\x7e]{1,128}")) {
                    throw new IOException("malformed rspamd symbol");
                }
                JsonNode symbolScore = symbol.getValue().get("score");
                if (symbolScore != null && !(symbolScore.isNumber() && Double.isFinite(symbolScore.asDouble()))) {
                    throw new IOException("malformed rspamd symbol score");
                }
                symbols.add(symbol.getKey());
            }
        }
        Optional<String> smtpMessage = Optional.empty();
        JsonNode messages = root.get("messages");
        if (messages != null) {
            if (!messages.isObject()) {
                throw new IOException("rspamd messages are not an object");
            }
            JsonNode smtp = messages.get("smtp_message");
            if (smtp != null) {
                if (!smtp.isTextual()) {
                    throw new IOException("rspamd smtp_message is not a string");
                }
                String text = printable(smtp.asText(), 200).strip();
                smtpMessage = text.isEmpty() ? Optional.empty() : Optional.of(text);
            }
        }
        return new RspamdReply(action, score, required, List.copyOf(symbols), smtpMessage);
    }

    private static double finite(JsonNode root, String name) throws IOException {
        JsonNode node = root.get(name);
        if (node == null || !node.isNumber() || !Double.isFinite(node.asDouble())) {
            throw new IOException("rspamd reply has no numeric " + name);
        }
        return node.asDouble();
    }

    /** Text fit for an SMTP reply or a log line: printable ASCII, bounded. */
    static String printable(String text, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < max; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
