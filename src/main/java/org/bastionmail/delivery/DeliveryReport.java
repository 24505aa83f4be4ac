package org.bastionmail.delivery;

import java.util.List;
import org.bastionmail.queue.QueueEntry;
import org.bastionmail.queue.RecipientState;

/**
 * What one delivery attempt of one message means for its sender: recipients that reached a final state,
 * and recipients delayed past the warning time for the first time. {@link Bounces} turns it into a DSN.
 */
public record DeliveryReport(QueueEntry entry, List<RecipientState> finished, List<RecipientState> delayed) {
    public DeliveryReport {
        finished = List.copyOf(finished);
        delayed = List.copyOf(delayed);
    }
}
