package org.bastionmail.iprev;

import java.util.Objects;

/**
 * The outcome of a HELO name check.
 *
 * @param verdict the result
 * @param helo the name as the client gave it, printable (control characters replaced), bounded
 * @param reason why, in words
 */
public record HeloResult(HeloVerdict verdict, String helo, String reason) {
    public HeloResult {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(helo, "helo");
        Objects.requireNonNull(reason, "reason");
    }
}
