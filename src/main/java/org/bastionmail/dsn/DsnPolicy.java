package org.bastionmail.dsn;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bastionmail.queue.Envelope;
import org.bastionmail.queue.Envelope.Notify;

/**
 * Decides whether an event in a message's life calls for a DSN: a pure function of the envelope and
 * the outcomes of the event. The caller reports each event once (the queue remembers that it sent a
 * delay warning), and passes all the outcomes of one delivery pass together, so that one DSN covers
 * every recipient it concerns (RFC 3461 5.2.8).
 */
public final class DsnPolicy {
    private final boolean delayWarningsByDefault;

    public DsnPolicy(DsnSettings settings) {
        this.delayWarningsByDefault = settings.delayWarningsByDefault();
    }

    public DsnDecision decide(Envelope envelope, List<RecipientOutcome> outcomes) {
        if (envelope.sender().isEmpty()) {
            // RFC 5321 6.1, RFC 3461 6.1: nothing is ever sent to the null reverse-path, which is also
            // what every DSN is sent from; so a DSN about a DSN cannot happen.
            return new DsnDecision.None("null sender");
        }
        if (envelope.sender().get().localPart().toLowerCase(Locale.ROOT).equals("mailer-daemon")) {
            // Some MTAs send their bounces from MAILER-DAEMON@host instead of <>; answering them is how
            // bounce loops between two servers start.
            return new DsnDecision.None("sender is a MAILER-DAEMON");
        }
        List<RecipientOutcome> reported = outcomes.stream().filter(this::wanted).toList();
        if (reported.isEmpty()) {
            return new DsnDecision.None("NOTIFY asks for no report of these outcomes");
        }
        return new DsnDecision.Send(kind(reported), reported);
    }

    /** RFC 3461 4.1: NOTIFY per recipient; without it, failures and (our choice) delays. */
    private boolean wanted(RecipientOutcome outcome) {
        Set<Notify> notify = outcome.recipient().notifyOn();
        if (notify.contains(Notify.NEVER)) {
            return false;
        }
        if (notify.isEmpty()) {
            return switch (outcome) {
                case RecipientOutcome.Failed _ -> true;
                case RecipientOutcome.Delayed _ -> delayWarningsByDefault;
                case RecipientOutcome.Delivered _, RecipientOutcome.Relayed _, RecipientOutcome.Expanded _ -> false;
            };
        }
        return switch (outcome) {
            case RecipientOutcome.Failed _ -> notify.contains(Notify.FAILURE);
            case RecipientOutcome.Delayed _ -> notify.contains(Notify.DELAY);
            case RecipientOutcome.Delivered _, RecipientOutcome.Relayed _, RecipientOutcome.Expanded _ ->
                    notify.contains(Notify.SUCCESS);
        };
    }

    private static DsnKind kind(List<RecipientOutcome> reported) {
        if (reported.stream().anyMatch(o -> o instanceof RecipientOutcome.Failed)) {
            return DsnKind.FAILURE;
        }
        if (reported.stream().anyMatch(o -> o instanceof RecipientOutcome.Delayed)) {
            return DsnKind.DELAY;
        }
        return DsnKind.SUCCESS;
    }
}
