package org.bastionmail.queue;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.bastionmail.mail.MailAddress;

/**
 * Where one recipient of a queued message stands.
 *
 * @param recipient the recipient with its DSN parameters
 * @param status what happened so far
 * @param reason why it failed or was deferred, or a note on the delivery; for a later DSN (RFC 3464)
 * @param attempts how many delivery attempts were made
 * @param nextAttempt when to try again; empty for a deferred recipient that waits for something
 *     other than time (outbound delivery)
 * @param forwardedFrom the recipient whose forwarding added this one, empty for an RCPT TO
 * @param delayReported whether the sender was already told that delivery is delayed (one warning only)
 */
public record RecipientState(
        Envelope.Recipient recipient,
        Status status,
        Optional<String> reason,
        int attempts,
        Optional<Instant> nextAttempt,
        Optional<MailAddress> forwardedFrom,
        boolean delayReported) {

    /** A state whose sender was not told of a delay. */
    public RecipientState(Envelope.Recipient recipient, Status status, Optional<String> reason, int attempts,
            Optional<Instant> nextAttempt, Optional<MailAddress> forwardedFrom) {
        this(recipient, status, reason, attempts, nextAttempt, forwardedFrom, false);
    }

    public RecipientState {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(status, "status");
        if (attempts < 0) {
            throw new IllegalArgumentException("negative attempts");
        }
    }

    public enum Status {
        /** Not tried yet. */
        PENDING,
        /** Tried, to be tried again. */
        DEFERRED,
        /** Done: in the mailbox. */
        DELIVERED,
        /** Done: will not be delivered. */
        FAILED;

        /** Whether the queue must keep the message for this recipient. */
        public boolean open() {
            return this == PENDING || this == DEFERRED;
        }
    }

    public static RecipientState pending(Envelope.Recipient recipient) {
        return new RecipientState(recipient, Status.PENDING, Optional.empty(), 0, Optional.empty(), Optional.empty());
    }

    public RecipientState delivered(String note) {
        return new RecipientState(recipient, Status.DELIVERED, Optional.of(note), attempts + 1, Optional.empty(),
                forwardedFrom);
    }

    public RecipientState failed(String why) {
        return new RecipientState(recipient, Status.FAILED, Optional.of(why), attempts + 1, Optional.empty(),
                forwardedFrom);
    }

    /** Deferred after an attempt; {@code retryAt} empty when no timer will retry it. */
    public RecipientState deferred(String why, Optional<Instant> retryAt) {
        return new RecipientState(recipient, Status.DEFERRED, Optional.of(why), attempts + 1, retryAt, forwardedFrom,
                delayReported);
    }

    /** This state, noting that the sender was told of the delay. */
    public RecipientState withDelayReported() {
        return new RecipientState(recipient, status, reason, attempts, nextAttempt, forwardedFrom, true);
    }
}
