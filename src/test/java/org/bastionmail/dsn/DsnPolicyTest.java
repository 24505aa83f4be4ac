package org.bastionmail.dsn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bastionmail.dsn.Fixtures.*;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.Envelope;
import org.bastionmail.queue.Envelope.Notify;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DsnPolicyTest {
    private final DsnPolicy policy = new DsnPolicy(SETTINGS);

    /** Every NOTIFY value the SMTP parser accepts: absent, NEVER alone, and each non-empty set of the others. */
    static List<Set<Notify>> notifySets() {
        List<Set<Notify>> sets = new ArrayList<>(List.of(Set.of(), Set.of(Notify.NEVER)));
        Notify[] others = {Notify.SUCCESS, Notify.FAILURE, Notify.DELAY};
        for (int mask = 1; mask < 8; mask++) {
            Set<Notify> set = EnumSet.noneOf(Notify.class);
            for (int b = 0; b < 3; b++) {
                if ((mask & (1 << b)) != 0) {
                    set.add(others[b]);
                }
            }
            sets.add(set);
        }
        return sets;
    }

    record Case(String name, Function<Envelope.Recipient, RecipientOutcome> outcome, Notify asks, boolean byDefault,
            DsnKind kind) {}

    static final List<Case> CASES = List.of(
            new Case("failed", Fixtures::failed, Notify.FAILURE, true, DsnKind.FAILURE),
            new Case("delayed", Fixtures::delayed, Notify.DELAY, true, DsnKind.DELAY),
            new Case("delivered", Fixtures::delivered, Notify.SUCCESS, false, DsnKind.SUCCESS),
            new Case("relayed", Fixtures::relayed, Notify.SUCCESS, false, DsnKind.SUCCESS),
            new Case("expanded", Fixtures::expanded, Notify.SUCCESS, false, DsnKind.SUCCESS));

    static Stream<Arguments> everyNotifyAndOutcome() {
        return notifySets().stream().flatMap(set -> CASES.stream().map(c -> Arguments.of(set, c.name(), c)));
    }

    @ParameterizedTest(name = "NOTIFY={0}, {1}")
    @MethodSource("everyNotifyAndOutcome")
    void notifyDecidesForEveryOutcome(Set<Notify> notify, String name, Case c) {
        Envelope.Recipient r = new Envelope.Recipient(MailAddress.parse("bob@remote.test"), notify, Optional.empty());
        DsnDecision decision = policy.decide(envelope(r), List.of(c.outcome().apply(r)));

        // RFC 3461 4.1: NEVER never; a listed condition; without NOTIFY failures and (Bastion's choice) delays.
        boolean expected = notify.isEmpty() ? c.byDefault() : notify.contains(c.asks());
        if (expected) {
            assertThat(decision).isInstanceOfSatisfying(DsnDecision.Send.class, send -> {
                assertThat(send.kind()).isEqualTo(c.kind());
                assertThat(send.reported()).hasSize(1);
            });
        } else {
            assertThat(decision).isInstanceOf(DsnDecision.None.class);
        }
    }

    @Test
    void delayWarningsWithoutNotifyCanBeTurnedOff() {
        DsnPolicy quiet = new DsnPolicy(new DsnSettings("mx.bastion.test", 65536, false));
        Envelope.Recipient r = rcpt("bob@remote.test");
        assertThat(quiet.decide(envelope(r), List.of(delayed(r)))).isInstanceOf(DsnDecision.None.class);
        assertThat(quiet.decide(envelope(r), List.of(failed(r)))).isInstanceOf(DsnDecision.Send.class);
        Envelope.Recipient asked = rcpt("carol@remote.test", Notify.DELAY);
        assertThat(quiet.decide(envelope(asked), List.of(delayed(asked)))).isInstanceOf(DsnDecision.Send.class);
    }

    @Test
    void theNullSenderNeverGetsADsn() {
        Envelope.Recipient r = rcpt("bob@remote.test", Notify.FAILURE, Notify.DELAY, Notify.SUCCESS);
        Envelope nullSender = envelope(Optional.empty(), Optional.empty(), List.of(r));
        for (RecipientOutcome o : List.of(failed(r), delayed(r), delivered(r), relayed(r), expanded(r))) {
            assertThat(policy.decide(nullSender, List.of(o))).isInstanceOf(DsnDecision.None.class);
        }
    }

    @Test
    void aMailerDaemonSenderIsTreatedAsNull() {
        Envelope.Recipient r = rcpt("bob@remote.test");
        Envelope fromDaemon = envelope(Optional.of(MailAddress.parse("Mailer-Daemon@other.test")), Optional.empty(),
                List.of(r));
        assertThat(policy.decide(fromDaemon, List.of(failed(r)))).isInstanceOf(DsnDecision.None.class);
    }

    @Test
    void oneDsnGroupsTheRecipientsItConcernsAndTakesTheWorstKind() {
        Envelope.Recipient bob = rcpt("bob@remote.test");
        Envelope.Recipient carol = rcpt("carol@remote.test", Notify.DELAY);
        Envelope.Recipient dave = rcpt("dave@remote.test", Notify.NEVER);
        Envelope.Recipient erin = rcpt("erin@remote.test", Notify.SUCCESS);
        Envelope.Recipient frank = rcpt("frank@remote.test");
        List<RecipientOutcome> outcomes = List.of(delayed(bob), delayed(carol), failed(dave), delivered(erin),
                failed(frank));

        DsnDecision decision = policy.decide(envelope(bob, carol, dave, erin, frank), outcomes);

        assertThat(decision).isInstanceOfSatisfying(DsnDecision.Send.class, send -> {
            assertThat(send.kind()).isEqualTo(DsnKind.FAILURE);
            assertThat(send.reported()).extracting(o -> o.recipient().address().localPart())
                    .containsExactly("bob", "carol", "erin", "frank");
        });
        assertThat(policy.decide(envelope(bob, carol), List.of(delayed(bob), delayed(carol))))
                .isInstanceOfSatisfying(DsnDecision.Send.class, s -> assertThat(s.kind()).isEqualTo(DsnKind.DELAY));
    }

    @Test
    void noOutcomesMeansNoDsn() {
        assertThat(policy.decide(envelope(rcpt("bob@remote.test")), List.of())).isInstanceOf(DsnDecision.None.class);
    }

    @Test
    void aQueueReasonBecomesAnAttempt() {
        Attempt a = Attempt.fromReason("5.1.1 no such user here", "5.0.0", ATTEMPT);
        assertThat(a.status()).isEqualTo("5.1.1");
        assertThat(a.detail()).isEqualTo("no such user here");
        Attempt b = Attempt.fromReason("something broke", "4.0.0", ATTEMPT);
        assertThat(b.status()).isEqualTo("4.0.0");
        assertThat(b.detail()).isEqualTo("something broke");
    }
}
