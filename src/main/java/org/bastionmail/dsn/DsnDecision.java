package org.bastionmail.dsn;

import java.util.List;

/** Whether a DSN is due for an event, and about which recipients. */
public sealed interface DsnDecision {
    /** No DSN; {@code reason} is for the queue log. */
    record None(String reason) implements DsnDecision {}

    /** One DSN of {@code kind} reporting exactly {@code reported}, in envelope order. */
    record Send(DsnKind kind, List<RecipientOutcome> reported) implements DsnDecision {
        public Send {
            reported = List.copyOf(reported);
            if (reported.isEmpty()) {
                throw new IllegalArgumentException("a DSN reports at least one recipient");
            }
        }
    }
}
