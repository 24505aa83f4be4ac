package org.bastionmail.imap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * RFC 9051 6.4.5 section: a part path ({@code 1.2}) and what of it ({@code HEADER}, {@code TEXT},
 * {@code MIME}, {@code HEADER.FIELDS (...)}, or the whole). An empty path is the message itself.
 */
record Section(List<Integer> path, String specifier, List<String> fields) {
    Section {
        path = List.copyOf(path);
        fields = List.copyOf(fields);
    }

    /** Parses what is between "[" and "]" (the cursor is after "["; the "]" is consumed). */
    static Section parse(ImapArgs args) throws ImapArgs.Syntax {
        List<Integer> path = new ArrayList<>();
        String specifier = "";
        List<String> fields = new ArrayList<>();
        while (args.peek() >= '0' && args.peek() <= '9') {
            long n = args.nzNumber32();
            if (path.size() >= MimeEntity.MAX_DEPTH) {
                throw new ImapArgs.Syntax("Section too deep");
            }
            path.add((int) Math.min(n, Integer.MAX_VALUE));
            if (!args.tryChar('.')) {
                break;
            }
        }
        if (args.peek() != ']') {
            if (!path.isEmpty() && args.peek() < 'A') {
                throw new ImapArgs.Syntax("Invalid section");
            }
            specifier = args.chars(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.')
                    .toUpperCase(Locale.ROOT);
            switch (specifier) {
                case "HEADER", "TEXT" -> { }
                case "MIME" -> {
                    if (path.isEmpty()) {
                        throw new ImapArgs.Syntax("MIME needs a part number");
                    }
                }
                case "HEADER.FIELDS", "HEADER.FIELDS.NOT" -> {
                    args.sp();
                    args.expect('(');
                    while (!args.tryChar(')')) {
                        if (!fields.isEmpty()) {
                            args.sp();
                        }
                        fields.add(args.astring());
                        if (fields.size() > 100) {
                            throw new ImapArgs.Syntax("Too many header fields");
                        }
                    }
                    if (fields.isEmpty()) {
                        throw new ImapArgs.Syntax("Empty header field list");
                    }
                }
                default -> throw new ImapArgs.Syntax("Invalid section");
            }
        }
        args.expect(']');
        return new Section(path, specifier, fields);
    }

    /** How the section is named in the FETCH response. */
    String label() {
        StringBuilder out = new StringBuilder();
        for (int n : path) {
            out.append(out.isEmpty() ? "" : ".").append(n);
        }
        if (!specifier.isEmpty()) {
            out.append(out.isEmpty() ? "" : ".").append(specifier);
        }
        if (!fields.isEmpty()) {
            out.append(" (").append(String.join(" ", fields.stream().map(f -> f.toUpperCase(Locale.ROOT)).toList()))
                    .append(')');
        }
        return out.toString();
    }

    /** Whether reading it sets \Seen (RFC 9051 6.4.5: BODY[...] does, BODY.PEEK does not). */
    boolean isHeaderOnly() {
        return specifier.startsWith("HEADER") || specifier.equals("MIME");
    }

    /** The part the path names; empty if there is none. */
    Optional<MimeEntity> part(MimeEntity top) {
        MimeEntity current = top;
        for (int n : path) {
            if (current != top && current.isMessage() && current.message.isPresent()) {
                current = current.message.get();
            }
            if (current.isMultipart()) {
                if (n > current.children.size()) {
                    return Optional.empty();
                }
                current = current.children.get(n - 1);
            } else if (n != 1) {
                return Optional.empty();
            }
        }
        return Optional.of(current);
    }

    /** The octets of the section; empty if the part does not exist. */
    Optional<byte[]> extract(MimeEntity top) {
        Optional<MimeEntity> found = part(top);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        MimeEntity part = found.get();
        if (specifier.isEmpty()) {
            return Optional.of(path.isEmpty() ? part.bytes(part.start, part.end) : part.body());
        }
        if (specifier.equals("MIME")) {
            return Optional.of(part.header());
        }
        // HEADER and TEXT of a part apply to the message it encapsulates (RFC 9051 6.4.5).
        MimeEntity message = path.isEmpty() ? part : part.message.orElse(null);
        if (message == null) {
            return Optional.of(new byte[0]);
        }
        return Optional.of(switch (specifier) {
            case "HEADER" -> message.header();
            case "TEXT" -> message.body();
            default -> selectFields(message, specifier.endsWith(".NOT"));
        });
    }

    private byte[] selectFields(MimeEntity message, boolean not) {
        Set<String> wanted = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        wanted.addAll(fields);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (MimeEntity.HeaderField field : message.fields) {
            if (wanted.contains(field.name()) != not) {
                out.write(message.raw, field.start(), field.end() - field.start());
            }
        }
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
