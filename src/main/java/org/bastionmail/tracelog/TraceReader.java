package org.bastionmail.tracelog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Finds one message's story in the transaction log (the current file and the rotated ones): the
 * transaction that received it, the connection it came on, and every delivery attempt. Reads files a
 * running server is writing: a half-written last line is skipped, as is any line that is not JSON or
 * longer than {@link #MAX_LINE}.
 */
public final class TraceReader {
    /** Lines longer than this (in chars) are skipped unread. */
    public static final int MAX_LINE = 1 << 20;

    private TraceReader() {}

    /**
     * The events of the message whose Message-ID (with or without angle brackets) or queue id is
     * {@code id}: connections first, then transactions and deliveries in the order they were logged.
     */
    public static List<ObjectNode> story(Path logFile, String id) throws IOException {
        String wanted = bare(id);
        Set<String> queueIds = new HashSet<>();
        Set<String> sessions = new HashSet<>();
        List<ObjectNode> transactions = new ArrayList<>();
        each(logFile, line -> {
            if (type(line, "transaction") && (wanted.equals(bare(field(line, "message_id")))
                    || wanted.equals(field(line, "queue_id")))) {
                transactions.add(line);
                if (!field(line, "queue_id").isEmpty()) {
                    queueIds.add(field(line, "queue_id"));
                }
                sessions.add(field(line, "session"));
            }
        });
        // A queue id whose reception was rotated away still has its deliveries.
        if (transactions.isEmpty()) {
            queueIds.add(id.trim());
        }
        List<ObjectNode> connections = new ArrayList<>();
        List<ObjectNode> rest = new ArrayList<>();
        each(logFile, line -> {
            if (type(line, "connection") && sessions.contains(field(line, "session"))) {
                connections.add(line);
            } else if (type(line, "transaction") && transactions.contains(line)
                    || type(line, "delivery") && queueIds.contains(field(line, "queue_id"))) {
                rest.add(line);
            }
        });
        List<ObjectNode> story = new ArrayList<>(connections);
        story.addAll(rest);
        return story;
    }

    /** A Message-ID without surrounding space and angle brackets. */
    static String bare(String messageId) {
        String s = messageId.trim();
        if (s.startsWith("<") && s.endsWith(">") && s.length() >= 2) {
            s = s.substring(1, s.length() - 1).trim();
        }
        return s;
    }

    static String field(JsonNode line, String name) {
        JsonNode value = line.get(name);
        return value != null && value.isTextual() ? value.asText() : "";
    }

    private static boolean type(JsonNode line, String type) {
        return type.equals(field(line, "type"));
    }

    /** Every parseable line of every file, oldest first. */
    static void each(Path logFile, Consumer<ObjectNode> action) throws IOException {
        for (Path file : RotatingFile.all(logFile)) {
            try (BufferedReader in = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                            .onUnmappableCharacter(CodingErrorAction.REPLACE)))) {
                StringBuilder line = new StringBuilder();
                boolean tooLong = false;
                int c;
                while ((c = in.read()) != -1) {
                    if (c != '\n') {
                        if (line.length() < MAX_LINE) {
                            line.append((char) c);
                        } else {
                            tooLong = true;
                        }
                        continue;
                    }
                    if (!tooLong) {
                        parse(line.toString(), action);
                    }
                    line.setLength(0);
                    tooLong = false;
                }
                // no line feed yet: the writer is in the middle of it
            } catch (java.nio.file.NoSuchFileException e) {
                // rotated away while we read
            }
        }
    }

    private static void parse(String line, Consumer<ObjectNode> action) {
        try {
            if (TraceJson.MAPPER.readTree(line) instanceof ObjectNode node) {
                action.accept(node);
            }
        } catch (IOException e) {
            // not one of ours, or damaged: skipped
        }
    }
}
