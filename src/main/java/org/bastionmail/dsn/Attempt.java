package org.bastionmail.dsn;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the last delivery attempt for a recipient found, as a DSN reports it.
 *
 * @param status the RFC 3463 enhanced status code, {@code class.subject.detail}; the DSN writes the class
 *     that matches its action (5 for failed, 4 for delayed, 2 otherwise)
 * @param detail a short text of our own saying why (for the human-readable part)
 * @param remoteMta the host name of the server that answered, if one did (RFC 3464 2.3.5)
 * @param smtpReply that server's reply, all its lines, exactly as received (RFC 3464 2.3.6); it is
 *     untrusted text and is sanitised where it is written
 * @param at when the attempt was made (RFC 3464 2.3.7 Last-Attempt-Date)
 */
public record Attempt(String status, String detail, Optional<String> remoteMta, Optional<String> smtpReply,
        Instant at) {
    private static final Pattern STATUS = Pattern.compile("[245]\\.[0-9]{1,3}\\.[0-9]{1,3}");

    public Attempt {
        if (!STATUS.matcher(status).matches()) {
            throw new IllegalArgumentException("not an enhanced status code: " + status);
        }
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(remoteMta, "remoteMta");
        Objects.requireNonNull(smtpReply, "smtpReply");
        Objects.requireNonNull(at, "at");
    }

    /** An attempt that reached no server (a local failure, a DNS answer, a time-out). */
    public static Attempt local(String status, String detail, Instant at) {
        return new Attempt(status, detail, Optional.empty(), Optional.empty(), at);
    }

    /**
     * Reads a queue reason as {@link org.bastionmail.queue.RecipientState#reason()} keeps it: an enhanced
     * status code, a space, and a text ("5.1.1 no such user here"). A reason without a code gets
     * {@code fallbackStatus}.
     */
    public static Attempt fromReason(String reason, String fallbackStatus, Instant at) {
        int space = reason.indexOf(' ');
        String head = space < 0 ? reason : reason.substring(0, space);
        if (STATUS.matcher(head).matches()) {
            return local(head, space < 0 ? "" : reason.substring(space + 1), at);
        }
        return local(fallbackStatus, reason, at);
    }

    /** The status with its class replaced, for the action it is reported under (RFC 3464 2.3.4). */
    String statusWithClass(char statusClass) {
        return statusClass + status.substring(1);
    }
}
