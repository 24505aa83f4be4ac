package org.bastionmail.tlsrpt;

import java.util.List;
import java.util.Objects;

/**
 * What happened under one policy in one day (RFC 8460 4.3 "policies" element).
 *
 * @param failureDetails the failures by kind; their counts may sum to less than {@code failures} when
 *     a flood of distinct failures hit the recorder's limit
 */
public record PolicyResult(TlsPolicy policy, long successes, long failures, List<FailureCount> failureDetails) {
    public PolicyResult {
        Objects.requireNonNull(policy, "policy");
        failureDetails = List.copyOf(failureDetails);
    }

    /** How many sessions failed this way ("failed-session-count"). */
    public record FailureCount(FailureDetail detail, long sessions) {}
}
