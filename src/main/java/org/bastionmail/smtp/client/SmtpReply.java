package org.bastionmail.smtp.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One reply from a server (RFC 5321 4.2), or one the client made up for a failure it found itself.
 *
 * @param code the three-digit reply code
 * @param enhancedCode the RFC 3463 status code at the start of the text, when the server gave one
 * @param lines the text of each line, without the code, separator and enhanced code
 * @param local whether the client generated this reply (no server said it): DSNs then name no remote MTA
 */
public record SmtpReply(int code, Optional<String> enhancedCode, List<String> lines, boolean local) {

    public SmtpReply {
        Objects.requireNonNull(enhancedCode, "enhancedCode");
        lines = List.copyOf(lines);
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
    }

    /** A reply the client generated. */
    static SmtpReply local(int code, String enhanced, String text) {
        return new SmtpReply(code, Optional.of(enhanced), List.of(text), true);
    }

    public boolean positive() {
        return code < 400;
    }

    /** 4yz: transient negative completion (RFC 5321 4.2.1). */
    public boolean transientFailure() {
        return code >= 400 && code < 500;
    }

    /** 5yz: permanent negative completion. */
    public boolean permanentFailure() {
        return code >= 500;
    }

    /** The enhanced code, or the class default of RFC 3463 3.1 when the server gave none. */
    public String status() {
        return enhancedCode.orElse(code / 100 + ".0.0");
    }

    /** The text of all lines joined with spaces. */
    public String text() {
        return String.join(" ", lines);
    }

    /** As it would appear on the wire (one line), for logs and DSN Diagnostic-Code fields (RFC 3464 2.3.6). */
    @Override
    public String toString() {
        return code + enhancedCode.map(e -> " " + e).orElse("") + (lines.isEmpty() ? "" : " " + text());
    }
}
