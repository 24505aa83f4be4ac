package org.bastionmail.filter;

import java.util.regex.Pattern;

/**
 * Reads clamd's answer to INSTREAM strictly: exactly {@code stream: OK} is clean, exactly
 * {@code stream: NAME FOUND} is a virus, and everything else (e.g. {@code INSTREAM size limit exceeded. ERROR},
 * {@code stream: ... ERROR}, an empty or garbled reply) is a failure.
 */
final class ClamdReply {
    private static final String CLEAN = "stream: OK";
    // Signature names are printable ASCII without spaces (e.g. Win.Test.EICAR_HDB-1, Eicar-Test-Signature.UNOFFICIAL).
    private static final Pattern FOUND = Pattern.compile("stream: ([\\x21-\\x7e]{1,200}) FOUND");

    private ClamdReply() {}

    static ScanResult parse(String reply) {
        if (reply.equals(CLEAN)) {
            return new ScanResult.Clean();
        }
        var found = FOUND.matcher(reply);
        if (found.matches()) {
            return new ScanResult.Infected(found.group(1));
        }
        return new ScanResult.Failed("clamd replied: " + printable(reply));
    }

    /** A reply fit for a log line or a header field: printable ASCII, bounded. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 120; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
