package org.bastionmail.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bastionmail.dsn.Attempt;
import org.bastionmail.dsn.Dsn;
import org.bastionmail.dsn.DsnBuilder;
import org.bastionmail.dsn.DsnDecision;
import org.bastionmail.dsn.DsnPolicy;
import org.bastionmail.dsn.DsnSettings;
import org.bastionmail.dsn.RecipientOutcome;
import org.bastionmail.io.CarrierOffload;
import org.bastionmail.queue.FileQueue;
import org.bastionmail.queue.RecipientState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells senders what became of their mail: a delivery status notification (RFC 3464) for recipients that
 * failed or were delayed past the warning time, as their NOTIFY asks, queued with the null sender so that
 * it can never bounce in turn (RFC 5321 6.1). A DSN that cannot be made is logged: the queue state already
 * says what happened.
 */
public final class Bounces implements Consumer<DeliveryReport> {
    private static final Logger LOG = LoggerFactory.getLogger(Bounces.class);

    private final FileQueue queue;
    private final DsnPolicy policy;
    private final DsnBuilder builder;
    private final Duration giveUpAfter;
    private final Clock clock;

    public Bounces(FileQueue queue, DsnSettings settings, Duration giveUpAfter, Clock clock) {
        this.queue = queue;
        this.policy = new DsnPolicy(settings);
        this.builder = new DsnBuilder(settings);
        this.giveUpAfter = giveUpAfter;
        this.clock = clock;
    }

    @Override
    public void accept(DeliveryReport report) {
        Instant now = clock.instant();
        List<RecipientOutcome> outcomes = new ArrayList<>();
        for (RecipientState r : report.finished()) {
            if (r.status() == RecipientState.Status.FAILED) {
                outcomes.add(new RecipientOutcome.Failed(r.recipient(), Attempt.fromReason(reason(r), "5.0.0", now)));
            }
        }
        Instant until = report.entry().envelope().receivedAt().plus(giveUpAfter);
        for (RecipientState r : report.delayed()) {
            outcomes.add(new RecipientOutcome.Delayed(r.recipient(), Attempt.fromReason(reason(r), "4.0.0", now), until));
        }
        if (outcomes.isEmpty()) {
            return;
        }
        String id = report.entry().id();
        switch (policy.decide(report.entry().envelope(), outcomes)) {
            case DsnDecision.None none -> LOG.info("queue {}: no DSN ({})", id, none.reason());
            case DsnDecision.Send send -> {
                try (InputStream content = Files.newInputStream(queue.contentFile(id))) {
                    Dsn dsn = builder.build(send, report.entry().envelope(), content);
                    String dsnId = CarrierOffload.call(() -> dsn.enqueue(queue));
                    LOG.info("queue {}: {} DSN queued as {} for {}", id, send.kind(), dsnId,
                            report.entry().envelope().sender().map(Object::toString).orElse("<>"));
                } catch (IOException | RuntimeException e) {
                    LOG.error("queue {}: cannot queue the DSN", id, e);
                }
            }
        }
    }

    private static String reason(RecipientState state) {
        return state.reason().orElse("");
    }
}
