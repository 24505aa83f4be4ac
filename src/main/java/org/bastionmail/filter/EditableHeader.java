package org.bastionmail.filter;

import java.util.ArrayList;
import java.util.List;

/** A header section as a list of whole fields (folded lines kept), to which filters' edits are applied. */
final class EditableHeader {
    private EditableHeader() {}

    /**
     * The fields of a header section, each with its CRLF. A line that continues nothing (folding at the very
     * start) is kept as a field of its own so that no octet is lost.
     */
    static List<String> parse(String header) {
        List<String> fields = new ArrayList<>();
        int start = 0;
        while (start < header.length()) {
            int end = header.indexOf('\n', start);
            end = end < 0 ? header.length() : end + 1;
            String line = header.substring(start, end);
            boolean continuation = (line.charAt(0) == ' ' || line.charAt(0) == '\t') && !fields.isEmpty();
            if (continuation) {
                fields.set(fields.size() - 1, fields.getLast() + line);
            } else {
                fields.add(line);
            }
            start = end;
        }
        return fields;
    }

    static HeaderField field(String raw) {
        String text = raw.endsWith("\r\n") ? raw.substring(0, raw.length() - 2)
                : raw.endsWith("\n") ? raw.substring(0, raw.length() - 1) : raw;
        int colon = text.indexOf(':');
        return colon < 0 ? new HeaderField(text, "") : new HeaderField(text.substring(0, colon), text.substring(colon + 1));
    }

    /** The header section with the edits applied in order. */
    static String apply(String header, List<HeaderEdit> edits) {
        List<String> fields = parse(header);
        for (HeaderEdit edit : edits) {
            String rendered = edit.name() + ": " + edit.value() + "\r\n";
            switch (edit) {
                case HeaderEdit.Add add -> fields.add(rendered);
                case HeaderEdit.Insert insert -> fields.add(Math.min(insert.index(), fields.size()), rendered);
                case HeaderEdit.Change change -> change(fields, change, rendered);
            }
        }
        return String.join("", fields);
    }

    private static void change(List<String> fields, HeaderEdit.Change change, String rendered) {
        int seen = 0;
        for (int i = 0; i < fields.size(); i++) {
            if (field(fields.get(i)).name().strip().equalsIgnoreCase(change.name())) {
                seen++;
                if (seen == change.occurrence()) {
                    if (change.value().isBlank()) {
                        fields.remove(i);
                    } else {
                        fields.set(i, rendered);
                    }
                    return;
                }
            }
        }
        if (!change.value().isBlank()) {
            fields.add(rendered);
        }
    }
}
