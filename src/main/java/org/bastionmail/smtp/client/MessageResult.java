package org.bastionmail.smtp.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one transaction: a status for every recipient, in the order given.
 *
 * @param connectionFailure set when the connection broke during this transaction; the recipients not
 *     yet decided are then {@link RecipientStatus.TempFailed}, and another MX host may be tried for them
 *     (RFC 5321 5.1)
 */
public record MessageResult(List<RecipientResult> recipients, Optional<ConnectionFailure> connectionFailure) {

    public MessageResult {
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(connectionFailure, "connectionFailure");
    }

    public List<RecipientResult> delivered() {
        return having(RecipientStatus.Delivered.class);
    }

    public List<RecipientResult> tempFailed() {
        return having(RecipientStatus.TempFailed.class);
    }

    public List<RecipientResult> permFailed() {
        return having(RecipientStatus.PermFailed.class);
    }

    /** The whole message's outcome, when every recipient shares it. */
    public Outcome outcome() {
        if (delivered().size() == recipients.size()) {
            return Outcome.DELIVERED;
        }
        if (tempFailed().size() == recipients.size()) {
            return Outcome.TEMP_FAILED;
        }
        if (permFailed().size() == recipients.size()) {
            return Outcome.PERM_FAILED;
        }
        return Outcome.MIXED;
    }

    private List<RecipientResult> having(Class<? extends RecipientStatus> kind) {
        return recipients.stream().filter(r -> kind.isInstance(r.status())).toList();
    }

    public enum Outcome { DELIVERED, TEMP_FAILED, PERM_FAILED, MIXED }
}
