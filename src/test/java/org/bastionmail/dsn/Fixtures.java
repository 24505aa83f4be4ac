package org.bastionmail.dsn;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;

/** Envelopes and outcomes for the DSN tests. */
final class Fixtures {
    static final Instant RECEIVED = Instant.parse("2026-11-27T08:00:00Z");
    static final Instant ATTEMPT = Instant.parse("2026-11-27T09:30:00Z");
    static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    static final DsnSettings SETTINGS = DsnSettings.defaults("mx.bastion.test");

    private Fixtures() {}

    static Envelope.Recipient rcpt(String address, Envelope.Notify... notify) {
        return new Envelope.Recipient(MailAddress.parse(address), Set.of(notify), Optional.empty());
    }

    static Envelope envelope(Optional<MailAddress> sender, Optional<Envelope.Ret> ret, List<Envelope.Recipient> rcpts) {
        return new Envelope(sender, rcpts, Envelope.BodyType.EIGHT_BIT_MIME, false, ret, Optional.of("env-42"),
                false, "192.0.2.1", "client.example.org", Optional.of("alice"), RECEIVED);
    }

    static Envelope envelope(Envelope.Recipient... rcpts) {
        return envelope(Optional.of(MailAddress.parse("alice@example.org")), Optional.empty(), List.of(rcpts));
    }

    static Attempt remote(String status, String reply) {
        return new Attempt(status, "the remote server refused it", Optional.of("mx.remote.test"),
                Optional.of(reply), ATTEMPT);
    }

    static RecipientOutcome.Failed failed(Envelope.Recipient r) {
        return new RecipientOutcome.Failed(r, remote("5.1.1", "550 5.1.1 <" + r.address() + ">: no such user"));
    }

    static RecipientOutcome.Delayed delayed(Envelope.Recipient r) {
        return new RecipientOutcome.Delayed(r, remote("4.2.2", "452 4.2.2 mailbox full"),
                Instant.parse("2026-12-02T08:00:00Z"));
    }

    static RecipientOutcome.Delivered delivered(Envelope.Recipient r) {
        return new RecipientOutcome.Delivered(r, Attempt.local("2.0.0", "delivered to alice", ATTEMPT));
    }

    static RecipientOutcome.Relayed relayed(Envelope.Recipient r) {
        return new RecipientOutcome.Relayed(r, new Attempt("2.0.0", "relayed", Optional.of("mx.old.test"),
                Optional.of("250 2.0.0 ok"), ATTEMPT));
    }

    static RecipientOutcome.Expanded expanded(Envelope.Recipient r) {
        return new RecipientOutcome.Expanded(r, Attempt.local("2.1.5", "expanded to 3 recipients", ATTEMPT));
    }
}
