package org.bastionmail.queue;

import java.util.List;

/**
 * A committed message as the queue holds it.
 *
 * @param id the queue id (also in the 250 reply and the file names)
 * @param size the content size in bytes
 */
public record QueueEntry(String id, Envelope envelope, List<RecipientState> recipients, long size) {
    public QueueEntry {
        recipients = List.copyOf(recipients);
    }

    /** Whether no recipient needs the message any more. */
    public boolean done() {
        return recipients.stream().noneMatch(r -> r.status().open());
    }
}
