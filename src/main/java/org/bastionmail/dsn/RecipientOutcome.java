package org.bastionmail.dsn;

import java.time.Instant;
import java.util.Objects;
import org.bastionmail.queue.Envelope;

/** What became of one recipient, in the terms of a DSN's Action field (RFC 3464 2.3.3). */
public sealed interface RecipientOutcome {
    Envelope.Recipient recipient();

    Attempt attempt();

    /** Will not be delivered: a permanent failure, or the queue gave up (RFC 3464 2.3.3 "failed"). */
    record Failed(Envelope.Recipient recipient, Attempt attempt) implements RecipientOutcome {
        public Failed {
            Objects.requireNonNull(recipient, "recipient");
            Objects.requireNonNull(attempt, "attempt");
        }
    }

    /** Not delivered yet and still being tried until {@code willRetryUntil} ("delayed", RFC 3464 2.3.9). */
    record Delayed(Envelope.Recipient recipient, Attempt attempt, Instant willRetryUntil) implements RecipientOutcome {
        public Delayed {
            Objects.requireNonNull(recipient, "recipient");
            Objects.requireNonNull(attempt, "attempt");
            Objects.requireNonNull(willRetryUntil, "willRetryUntil");
        }
    }

    /** Final delivery into a mailbox here ("delivered"). */
    record Delivered(Envelope.Recipient recipient, Attempt attempt) implements RecipientOutcome {
        public Delivered {
            Objects.requireNonNull(recipient, "recipient");
            Objects.requireNonNull(attempt, "attempt");
        }
    }

    /**
     * Handed to a server that does not offer DSN, so no further report will come ("relayed", RFC 3461
     * 5.2.2). A server that offers DSN got the NOTIFY parameters and reports itself: no outcome here.
     */
    record Relayed(Envelope.Recipient recipient, Attempt attempt) implements RecipientOutcome {
        public Relayed {
            Objects.requireNonNull(recipient, "recipient");
            Objects.requireNonNull(attempt, "attempt");
        }
    }

    /** An alias or list expanded it to several recipients, which get no SUCCESS notice (RFC 3461 5.2.7.3). */
    record Expanded(Envelope.Recipient recipient, Attempt attempt) implements RecipientOutcome {
        public Expanded {
            Objects.requireNonNull(recipient, "recipient");
            Objects.requireNonNull(attempt, "attempt");
        }
    }
}
