package org.bastionmail.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bastionmail.directory.Directory;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.bastionmail.queue.QueueEntry;
import org.bastionmail.queue.RecipientState;
import org.bastionmail.store.DeliveryOutcome;
import org.bastionmail.store.Mailbox;
import org.bastionmail.store.MailboxStore;
import org.bastionmail.store.SpecialUse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over the due recipients of one queue entry: resolve each, store the message for each
 * account, and work out each recipient's new state. Reasons start with an RFC 3463 enhanced status
 * code, for the DSN a later version will send.
 */
final class RecipientDelivery {
    private static final String JUNK = MailboxStore.DEFAULT_MAILBOXES.stream()
            .filter(m -> m.specialUse().equals(Optional.of(SpecialUse.JUNK)))
            .findFirst().orElseThrow().name();
    private static final Logger LOG = LoggerFactory.getLogger(RecipientDelivery.class);
    /** The hand-over note: from here on the recipient belongs to {@link RemoteDelivery}. */
    static final String QUEUED_FOR_REMOTE = "4.4.0 queued for remote delivery";
    /** A cap on what forwarding may add to one message, so that alias loops end. */
    static final int MAX_RECIPIENTS = 1000;
    /** The reason text of a recipient deferred because the disk was full. */
    static final String STORAGE_FULL = "insufficient system storage";

    private final MailboxStore store;
    private final Directory directory;
    private final RetrySchedule retries;
    private final Set<String> ensured = ConcurrentHashMap.newKeySet();

    RecipientDelivery(MailboxStore store, Directory directory, RetrySchedule retries) {
        this.store = store;
        this.directory = directory;
        this.retries = retries;
    }

    /** The recipients' new states; the same list object's contents if nothing was due. */
    List<RecipientState> run(QueueEntry entry, Path content, Instant now) {
        List<RecipientState> states = new ArrayList<>(entry.recipients());
        // Forwarding appends recipients, which this loop then reaches in the same pass.
        for (int i = 0; i < states.size(); i++) {
            RecipientState state = states.get(i);
            if (isDue(state, now)) {
                states.set(i, attempt(entry, content, state, states, now));
            }
        }
        return states;
    }

    static boolean isDue(RecipientState state, Instant now) {
        return switch (state.status()) {
            case PENDING -> true;
            case DEFERRED -> state.nextAttempt().map(at -> !at.isAfter(now)).orElse(false);
            case DELIVERED, FAILED -> false;
        };
    }

    private RecipientState attempt(QueueEntry entry, Path content, RecipientState state, List<RecipientState> all,
            Instant now) {
        MailAddress address = state.recipient().address();
        Directory.Resolution resolution;
        try {
            resolution = directory.resolve(address);
        } catch (RuntimeException e) {
            LOG.warn("queue {}: cannot resolve {}: {}", entry.id(), address, e.toString());
            return retryOrFail(state, "3.0", "directory unavailable", now);
        }
        return switch (resolution) {
            // A pending remote recipient is handed over to remote delivery, which owns it from then on.
            case Directory.Resolution.NotLocal _ -> state.status() == RecipientState.Status.PENDING
                    ? new RecipientState(state.recipient(), RecipientState.Status.DEFERRED, Optional.of(QUEUED_FOR_REMOTE),
                            state.attempts(), Optional.empty(), state.forwardedFrom())
                    : state;
            // RFC 5321 6.1: accepted, but the user was removed since; a DSN will say so.
            case Directory.Resolution.UnknownUser _ -> state.failed("5.1.1 no such user here");
            case Directory.Resolution.Deliver deliver -> deliver(entry, content, state, deliver, all, now);
        };
    }

    /** Mail the checks marked as junk (DMARC quarantine) goes to the Junk mailbox every account has. */
    private static String mailboxFor(QueueEntry entry) {
        return entry.envelope().junk() ? JUNK : Mailbox.INBOX;
    }

    private RecipientState deliver(QueueEntry entry, Path content, RecipientState state,
            Directory.Resolution.Deliver deliver, List<RecipientState> all, Instant now) {
        if (state.attempts() == 0) {
            addForwards(entry, state, deliver.forwards(), all);
        }
        if (deliver.accounts().isEmpty()) {
            return deliver.forwards().isEmpty()
                    ? state.failed("5.1.1 address leads to no mailbox")
                    : state.delivered("2.1.5 forwarded to " + deliver.forwards());
        }
        List<String> full = new ArrayList<>();
        for (String account : deliver.accounts()) {
            try {
                DeliveryOutcome outcome;
                try {
                    outcome = store(entry, content, account, !ensured.contains(account));
                } catch (IllegalArgumentException e) {
                    // The account's default mailboxes were removed since (an IMAP DELETE of Junk): make them again.
                    outcome = store(entry, content, account, true);
                }
                switch (outcome) {
                    case DeliveryOutcome.Stored stored ->
                            // DEBUG: the transaction log has the delivery; "queued" is the message's INFO line
                            LOG.debug("queue {}: delivered to {} as uid {}", entry.id(), account, stored.uid());
                    case DeliveryOutcome.Duplicate _ -> { }
                    case DeliveryOutcome.OverQuota over ->
                            full.add(account + " (" + over.usedBytes() + " of " + over.limitBytes() + " bytes used)");
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("queue {}: storing for {} failed: {}", entry.id(), account, e.toString());
                if (org.bastionmail.io.DiskSpace.isFull(e)) {
                    // RFC 3463 4.3.1; LocalDelivery retries these as soon as the disk takes writes again
                    return retryOrFail(state, "3.1", STORAGE_FULL, now);
                }
                return retryOrFail(state, "3.0", "local delivery failed temporarily", now);
            }
        }
        if (!full.isEmpty()) {
            return retryOrFail(state, "2.2", "mailbox full: " + String.join(", ", full), now);
        }
        return state.delivered("2.0.0 delivered to " + String.join(", ", deliver.accounts()));
    }

    /**
     * Stores one copy; {@code ensure} first creates the account's default mailboxes if missing, which is
     * done once per account and process (a transaction of its own under the store's lock otherwise).
     */
    private DeliveryOutcome store(QueueEntry entry, Path content, String account, boolean ensure) throws IOException {
        if (ensure) {
            store.ensureAccount(account);
            ensured.add(account);
        }
        // The key makes a repeated attempt (after a crash, or for a second RCPT that resolves to the
        // same account) a no-op in the store.
        return store.deliver(account, mailboxFor(entry), entry.id() + "/" + account,
                entry.envelope().prependedHeaders().getBytes(StandardCharsets.UTF_8), content,
                entry.envelope().receivedAt(), directory.quota(account));
    }

    /** Forwarding targets become recipients of the same entry, once each (which also ends loops). */
    private static void addForwards(QueueEntry entry, RecipientState from, List<MailAddress> forwards,
            List<RecipientState> all) {
        for (MailAddress target : forwards) {
            boolean known = all.stream()
                    .anyMatch(r -> r.recipient().address().canonical().equals(target.canonical()));
            if (known) {
                continue;
            }
            if (all.size() >= MAX_RECIPIENTS) {
                LOG.warn("queue {}: not forwarding to {}: too many recipients", entry.id(), target);
                continue;
            }
            all.add(new RecipientState(Envelope.Recipient.of(target), RecipientState.Status.PENDING, Optional.empty(),
                    0, Optional.empty(), Optional.of(from.recipient().address())));
        }
    }

    /** RFC 3463: the same detail code, 4 while we keep trying, 5 once we give up. */
    private RecipientState retryOrFail(RecipientState state, String detail, String text, Instant now) {
        int attempts = state.attempts() + 1;
        if (attempts > retries.retries()) {
            return state.failed("5." + detail + " " + text + " (gave up after " + attempts + " attempts)");
        }
        return state.deferred("4." + detail + " " + text, Optional.of(now.plus(retries.delayAfter(attempts))));
    }
}
