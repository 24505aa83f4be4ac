package org.bastionmail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MailboxStore} must do, whatever it stores in. A backend's test implements this
 * interface and provides a fresh store per test.
 */
public interface MailboxStoreContract {
    String ALICE = "alice@example.test";
    long NO_LIMIT = Long.MAX_VALUE;

    /** The store under test, fresh for each test. */
    MailboxStore store();

    /** Closes the store and opens it again on the same data, as after a restart. */
    MailboxStore reopen() throws IOException;

    /** A directory for message files to deliver from. */
    Path scratch();

    private Path message(String text) throws IOException {
        Path file = Files.createTempFile(scratch(), "msg", ".eml");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static long uid(DeliveryOutcome outcome) {
        assertThat(outcome).isInstanceOf(DeliveryOutcome.Stored.class);
        return ((DeliveryOutcome.Stored) outcome).uid();
    }

    @Test
    default void ensureAccountCreatesInboxAndSpecialUseMailboxes() throws IOException {
        store().ensureAccount(ALICE);

        Map<String, Mailbox> boxes = store().mailboxes(ALICE).stream()
                .collect(Collectors.toMap(Mailbox::name, Function.identity()));
        assertThat(boxes).containsOnlyKeys("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive");
        assertThat(boxes.get("INBOX").specialUse()).isEmpty();
        assertThat(boxes.get("Sent").specialUse()).contains(SpecialUse.SENT);
        assertThat(boxes.get("Drafts").specialUse()).contains(SpecialUse.DRAFTS);
        assertThat(boxes.get("Trash").specialUse()).contains(SpecialUse.TRASH);
        assertThat(boxes.get("Junk").specialUse()).contains(SpecialUse.JUNK);
        assertThat(boxes.get("Archive").specialUse()).contains(SpecialUse.ARCHIVE);
        assertThat(boxes.values()).allSatisfy(box -> {
            assertThat(box.subscribed()).isTrue();
            assertThat(box.uidNext()).isEqualTo(1);
            assertThat(box.uidValidity()).isPositive();
        });
        assertThat(boxes.values().stream().map(Mailbox::uidValidity).distinct()).hasSize(6);
        assertThat(boxes.values().stream().map(Mailbox::id).distinct()).hasSize(6);
    }

    @Test
    default void ensureAccountIsIdempotent() throws IOException {
        store().ensureAccount(ALICE);
        List<Mailbox> first = store().mailboxes(ALICE);
        store().ensureAccount(ALICE);
        assertThat(store().mailboxes(ALICE)).isEqualTo(first);
    }

    @Test
    default void accountsAreSeparate() throws IOException {
        store().ensureAccount(ALICE);
        store().ensureAccount("bob@example.test");
        store().deliver(ALICE, "INBOX", "q1/alice", message("Subject: a\r\n\r\nhi\r\n"), Instant.now(), NO_LIMIT);

        assertThat(store().messages(ALICE, "INBOX")).hasSize(1);
        assertThat(store().messages("bob@example.test", "INBOX")).isEmpty();
        assertThat(store().mailboxes("nobody@example.test")).isEmpty();
        assertThat(store().usedBytes("bob@example.test")).isZero();
    }

    @Test
    default void uidsStrictlyIncreaseAndUidNextFollows() throws IOException {
        store().ensureAccount(ALICE);
        List<Long> uids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            uids.add(uid(store().deliver(ALICE, "INBOX", "q" + i + "/alice", message("m" + i + "\r\n"),
                    Instant.now(), NO_LIMIT)));
        }
        assertThat(uids).isSorted().doesNotHaveDuplicates();
        assertThat(uids.getFirst()).isPositive();
        assertThat(store().messages(ALICE, "INBOX")).extracting(StoredMessage::uid).isEqualTo(uids);
        assertThat(store().mailbox(ALICE, "INBOX").orElseThrow().uidNext()).isGreaterThan(uids.getLast());
    }

    @Test
    default void modSeqIncreasesWithEveryChange() throws IOException {
        store().ensureAccount(ALICE);
        long before = store().mailbox(ALICE, "INBOX").orElseThrow().highestModSeq();
        long uid1 = uid(store().deliver(ALICE, "INBOX", "a", message("one\r\n"), Instant.now(), NO_LIMIT));
        long uid2 = uid(store().deliver(ALICE, "INBOX", "b", message("two\r\n"), Instant.now(), NO_LIMIT));
        List<StoredMessage> messages = store().messages(ALICE, "INBOX");
        long modSeq1 = messages.get(0).modSeq();
        long modSeq2 = messages.get(1).modSeq();
        assertThat(modSeq1).isGreaterThan(before);
        assertThat(modSeq2).isGreaterThan(modSeq1);

        StoredMessage flagged = store().setFlags(ALICE, "INBOX", uid1, EnumSet.of(Flag.SEEN, Flag.FLAGGED),
                Set.of("$Forwarded")).orElseThrow();
        assertThat(flagged.modSeq()).isGreaterThan(modSeq2);
        assertThat(flagged.flags()).containsExactlyInAnyOrder(Flag.SEEN, Flag.FLAGGED);
        assertThat(flagged.keywords()).containsExactly("$Forwarded");
        assertThat(store().mailbox(ALICE, "INBOX").orElseThrow().highestModSeq()).isEqualTo(flagged.modSeq());
        // The other message keeps its mod-sequence.
        assertThat(store().messages(ALICE, "INBOX").get(1))
                .extracting(StoredMessage::uid, StoredMessage::modSeq).containsExactly(uid2, modSeq2);
    }

    @Test
    default void setFlagsOnAMissingMessageChangesNothing() throws IOException {
        store().ensureAccount(ALICE);
        long modSeq = store().mailbox(ALICE, "INBOX").orElseThrow().highestModSeq();
        assertThat(store().setFlags(ALICE, "INBOX", 42, EnumSet.of(Flag.SEEN), Set.of())).isEmpty();
        assertThat(store().setFlags(ALICE, "Nope", 1, EnumSet.of(Flag.SEEN), Set.of())).isEmpty();
        assertThat(store().mailbox(ALICE, "INBOX").orElseThrow().highestModSeq()).isEqualTo(modSeq);
    }

    @Test
    default void keywordsMustBeAtoms() throws IOException {
        store().ensureAccount(ALICE);
        long uid = uid(store().deliver(ALICE, "INBOX", "k", message("x\r\n"), Instant.now(), NO_LIMIT));
        for (String bad : List.of("", "two words", "\\Seen", "a(b", "x".repeat(101), "caf\u00e9")) {
            assertThatThrownBy(() -> store().setFlags(ALICE, "INBOX", uid, Set.of(), Set.of(bad)))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    default void contentAndMetadataRoundTrip() throws IOException {
        store().ensureAccount(ALICE);
        String text = "From: a@example.test\r\nSubject: caf\u00e9\r\n\r\nbody\r\n.\r\n";
        Instant received = Instant.parse("2026-11-27T10:15:30.123Z");
        long uid = uid(store().deliver(ALICE, "INBOX", "rt", message(text), received, NO_LIMIT));

        StoredMessage stored = store().messages(ALICE, "INBOX").getFirst();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertThat(stored.size()).isEqualTo(bytes.length);
        assertThat(stored.internalDate()).isEqualTo(received);
        assertThat(stored.flags()).isEmpty();
        try (InputStream in = store().openContent(ALICE, "INBOX", uid).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        assertThat(store().openContent(ALICE, "INBOX", uid + 1)).isEmpty();
        assertThat(store().openContent(ALICE, "Sent", uid)).isEmpty();
    }

    @Test
    default void contentsOfAMailboxOpenEachMessageOnlyInIt() throws IOException {
        store().ensureAccount(ALICE);
        store().ensureAccount("bob@example.test");
        long one = uid(store().deliver(ALICE, "INBOX", "c1", message("one\r\n"), Instant.now(), NO_LIMIT));
        long two = uid(store().deliver(ALICE, "INBOX", "c2", message("two\r\n"), Instant.now(), NO_LIMIT));
        MailboxStore.ContentSource contents = store().contents(ALICE, "INBOX");
        try (InputStream in = contents.open(two).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo("two\r\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(contents.open(two + 1)).isEmpty();
        store().expunge(ALICE, "INBOX", List.of(one));
        assertThat(contents.open(one)).isEmpty(); // expunged while the source was in use
        assertThat(store().contents(ALICE, "Sent").open(two)).isEmpty();
        assertThat(store().contents("bob@example.test", "INBOX").open(two)).isEmpty(); // another account's mail
        assertThat(store().contents(ALICE, "No such box").open(two)).isEmpty();
    }

    @Test
    default void theSameDeliveryKeyStoresOneMessage() throws IOException {
        store().ensureAccount(ALICE);
        Path file = message("once\r\n");
        long uid = uid(store().deliver(ALICE, "INBOX", "Q1/alice", file, Instant.now(), NO_LIMIT));
        DeliveryOutcome again = store().deliver(ALICE, "INBOX", "Q1/alice", file, Instant.now(), NO_LIMIT);

        assertThat(again).isEqualTo(new DeliveryOutcome.Duplicate(uid));
        assertThat(store().messages(ALICE, "INBOX")).hasSize(1);
        assertThat(store().usedBytes(ALICE)).isEqualTo(Files.size(file));
        assertThat(store().mailbox(ALICE, "INBOX").orElseThrow().uidNext()).isEqualTo(uid + 1);
    }

    @Test
    default void concurrentDeliveriesOfOneKeyStoreOneMessage() throws Exception {
        store().ensureAccount(ALICE);
        Path file = message("race\r\n");
        List<DeliveryOutcome> outcomes = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<DeliveryOutcome>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Callable<DeliveryOutcome> task = () -> store().deliver(ALICE, "INBOX", "race", file, Instant.now(),
                        NO_LIMIT);
                futures.add(threads.submit(task));
            }
            for (Future<DeliveryOutcome> future : futures) {
                outcomes.add(future.get());
            }
        }
        assertThat(outcomes).filteredOn(DeliveryOutcome.Stored.class::isInstance).hasSize(1);
        assertThat(outcomes).filteredOn(DeliveryOutcome.Duplicate.class::isInstance).hasSize(7);
        assertThat(store().messages(ALICE, "INBOX")).hasSize(1);
    }

    @Test
    default void quotaIsEnforcedAndCounted() throws IOException {
        store().ensureAccount(ALICE);
        Path sixty = message("x".repeat(60));
        Path forty = message("y".repeat(40));
        uid(store().deliver(ALICE, "INBOX", "1", sixty, Instant.now(), 100));

        assertThat(store().deliver(ALICE, "INBOX", "2", sixty, Instant.now(), 100))
                .isEqualTo(new DeliveryOutcome.OverQuota(60, 100));
        assertThat(store().messages(ALICE, "INBOX")).hasSize(1);
        // Filling the quota exactly is allowed.
        uid(store().deliver(ALICE, "Archive", "3", forty, Instant.now(), 100));
        assertThat(store().usedBytes(ALICE)).isEqualTo(100);
        assertThat(store().deliver(ALICE, "INBOX", "4", message("z"), Instant.now(), 100))
                .isInstanceOf(DeliveryOutcome.OverQuota.class);
        // A refused delivery did not consume its key: it may succeed once there is room.
        assertThat(store().deliver(ALICE, "INBOX", "2", sixty, Instant.now(), 1000))
                .isInstanceOf(DeliveryOutcome.Stored.class);
    }

    @Test
    default void mailboxNamesAreCheckedAndInboxIsCaseInsensitive() throws IOException {
        store().ensureAccount(ALICE);
        Mailbox child = store().createMailbox(ALICE, "Archive/2026", Optional.empty());
        assertThat(child.name()).isEqualTo("Archive/2026");
        assertThat(store().mailbox(ALICE, "inbox")).map(Mailbox::name).contains("INBOX");
        assertThat(store().createMailbox(ALICE, "inbox/Lists", Optional.empty()).name()).isEqualTo("INBOX/Lists");

        assertThatThrownBy(() -> store().createMailbox(ALICE, "Inbox", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().createMailbox(ALICE, "Archive/2026", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        for (String bad : List.of("", "/top", "a//b", "trailing/", "star*", "per%cent", "ctl\u0001", "nl\r\nx",
                "x".repeat(256))) {
            assertThatThrownBy(() -> store().createMailbox(ALICE, bad, Optional.empty()))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> store().createMailbox("nobody@example.test", "X", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    default void deliveringToAnUnknownAccountOrMailboxFails() throws IOException {
        store().ensureAccount(ALICE);
        Path file = message("x\r\n");
        assertThatThrownBy(() -> store().deliver("nobody@example.test", "INBOX", "k1", file, Instant.now(), NO_LIMIT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().deliver(ALICE, "Nope", "k2", file, Instant.now(), NO_LIMIT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().deliver(ALICE, "INBOX", "", file, Instant.now(), NO_LIMIT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    default void pathLikeMailboxNamesAreOnlyNames() throws IOException {
        store().ensureAccount(ALICE);
        store().createMailbox(ALICE, "../../../../tmp/evil", Optional.empty());
        long uid = uid(store().deliver(ALICE, "../../../../tmp/evil", "p", message("x\r\n"), Instant.now(), NO_LIMIT));
        try (InputStream in = store().openContent(ALICE, "../../../../tmp/evil", uid).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo("x\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    default void everythingSurvivesAReopen() throws IOException {
        store().ensureAccount(ALICE);
        Path file = message("keep me\r\n");
        long uid = uid(store().deliver(ALICE, "INBOX", "Q9/alice", file, Instant.now(), NO_LIMIT));
        store().setFlags(ALICE, "INBOX", uid, EnumSet.of(Flag.SEEN), Set.of("$Junk"));
        List<Mailbox> boxes = store().mailboxes(ALICE);
        List<StoredMessage> messages = store().messages(ALICE, "INBOX");

        MailboxStore reopened = reopen();
        assertThat(reopened.mailboxes(ALICE)).isEqualTo(boxes);
        assertThat(reopened.messages(ALICE, "INBOX")).isEqualTo(messages);
        assertThat(reopened.usedBytes(ALICE)).isEqualTo(Files.size(file));
        try (InputStream in = reopened.openContent(ALICE, "INBOX", uid).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(file));
        }
        assertThat(reopened.deliver(ALICE, "INBOX", "Q9/alice", file, Instant.now(), NO_LIMIT))
                .isEqualTo(new DeliveryOutcome.Duplicate(uid));
        long next = uid(reopened.deliver(ALICE, "INBOX", "Q10/alice", file, Instant.now(), NO_LIMIT));
        assertThat(next).isGreaterThan(uid);
    }

    // ---- IMAP operations ----

    private long append(String mailbox, String text, Set<Flag> flags) throws IOException {
        return uid(store().append(ALICE, mailbox, message(text), flags, Set.of(), Instant.parse("2026-01-02T03:04:05Z"),
                NO_LIMIT));
    }

    @Test
    default void appendKeepsFlagsAndInternalDateAndNotifies() throws IOException {
        store().ensureAccount(ALICE);
        Mailbox inbox = store().mailbox(ALICE, "INBOX").orElseThrow();
        List<Long> events = new ArrayList<>();
        try (MailboxEvents.Watch watch = store().events().watch(inbox.id(), () -> events.add(1L))) {
            long uid = uid(store().append(ALICE, "INBOX", message("a\r\n"), EnumSet.of(Flag.SEEN), Set.of("$Work"),
                    Instant.parse("2026-01-02T03:04:05Z"), NO_LIMIT));
            StoredMessage m = store().messages(ALICE, "INBOX").getFirst();
            assertThat(m.uid()).isEqualTo(uid);
            assertThat(m.flags()).containsExactly(Flag.SEEN);
            assertThat(m.keywords()).containsExactly("$Work");
            assertThat(m.internalDate()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
            store().deliver(ALICE, "INBOX", "k1", message("b\r\n"), Instant.now(), NO_LIMIT);
        }
        assertThat(events).hasSize(2);
        store().deliver(ALICE, "INBOX", "k2", message("c\r\n"), Instant.now(), NO_LIMIT);
        assertThat(events).hasSize(2); // the watch was closed
        assertThat(store().append(ALICE, "INBOX", message("big\r\n"), Set.of(), Set.of(), Instant.now(), 3))
                .isInstanceOf(DeliveryOutcome.OverQuota.class);
    }

    @Test
    default void expungeRemovesMessagesBytesAndFilesAndRemembersVanishedUids() throws IOException {
        store().ensureAccount(ALICE);
        long a = append("INBOX", "aaaa\r\n", Set.of());
        long b = append("INBOX", "bb\r\n", Set.of(Flag.DELETED));
        long c = append("INBOX", "c\r\n", Set.of());
        long before = store().mailbox(ALICE, "INBOX").orElseThrow().highestModSeq();
        assertThat(store().usedBytes(ALICE)).isEqualTo(6 + 4 + 3);

        assertThat(store().expunge(ALICE, "INBOX", List.of(c, b, 999L))).containsExactly(b, c);
        assertThat(store().messages(ALICE, "INBOX")).extracting(StoredMessage::uid).containsExactly(a);
        assertThat(store().usedBytes(ALICE)).isEqualTo(6);
        assertThat(store().openContent(ALICE, "INBOX", b)).isEmpty();
        Changes changes = store().changesSince(ALICE, "INBOX", before).orElseThrow();
        assertThat(changes.vanished()).containsExactly(b, c);
        assertThat(changes.changed()).isEmpty();
        assertThat(changes.highestModSeq()).isGreaterThan(before);
        assertThat(store().expunge(ALICE, "INBOX", List.of(b))).isEmpty();
        assertThat(store().expunge(ALICE, "Nope", List.of(a))).isEmpty();
    }

    @Test
    default void storeFlagsAddsRemovesReplacesAndHonoursUnchangedSince() throws IOException {
        store().ensureAccount(ALICE);
        long a = append("INBOX", "a\r\n", Set.of(Flag.SEEN));
        long b = append("INBOX", "b\r\n", Set.of());
        long modSeq = store().mailbox(ALICE, "INBOX").orElseThrow().highestModSeq();

        FlagResult added = store().storeFlags(ALICE, "INBOX", List.of(a, b),
                new FlagChange(FlagChange.Mode.ADD, Set.of(Flag.SEEN), Set.of("$Junk")), OptionalLong.empty());
        assertThat(added.changed()).extracting(StoredMessage::uid).containsExactly(a, b);
        assertThat(added.changed()).allSatisfy(m -> {
            assertThat(m.flags()).containsExactly(Flag.SEEN);
            assertThat(m.keywords()).containsExactly("$Junk");
            assertThat(m.modSeq()).isGreaterThan(modSeq);
        });
        FlagResult again = store().storeFlags(ALICE, "INBOX", List.of(a),
                new FlagChange(FlagChange.Mode.ADD, Set.of(Flag.SEEN), Set.of("$junk")), OptionalLong.empty());
        assertThat(again.changed()).isEmpty();
        assertThat(again.unchanged()).extracting(StoredMessage::uid).containsExactly(a);

        FlagResult removed = store().storeFlags(ALICE, "INBOX", List.of(b),
                new FlagChange(FlagChange.Mode.REMOVE, Set.of(Flag.SEEN), Set.of("$JUNK")), OptionalLong.empty());
        assertThat(removed.changed().getFirst().flags()).isEmpty();
        assertThat(removed.changed().getFirst().keywords()).isEmpty();

        FlagResult conditional = store().storeFlags(ALICE, "INBOX", List.of(a, b),
                new FlagChange(FlagChange.Mode.REPLACE, Set.of(Flag.FLAGGED), Set.of()),
                OptionalLong.of(added.changed().getFirst().modSeq()));
        assertThat(conditional.changed()).extracting(StoredMessage::uid).containsExactly(a);
        assertThat(conditional.modified()).containsExactly(b);
        assertThat(store().messages(ALICE, "INBOX").getFirst().flags()).containsExactly(Flag.FLAGGED);

        Changes changes = store().changesSince(ALICE, "INBOX", removed.changed().getFirst().modSeq()).orElseThrow();
        assertThat(changes.changed()).extracting(StoredMessage::uid).containsExactly(a);
    }

    @Test
    default void copyAndMoveGiveNewUidsAndKeepFlags() throws IOException {
        store().ensureAccount(ALICE);
        long a = append("INBOX", "first\r\n", Set.of(Flag.FLAGGED));
        long b = append("INBOX", "second\r\n", Set.of());
        append("Archive", "already\r\n", Set.of());

        CopyOutcome.Copied copied = (CopyOutcome.Copied) store().copy(ALICE, "INBOX", List.of(b, a, 77L), "Archive",
                NO_LIMIT);
        assertThat(copied.sourceUids()).containsExactly(a, b);
        assertThat(copied.targetUids()).containsExactly(2L, 3L);
        assertThat(copied.uidValidity()).isEqualTo(store().mailbox(ALICE, "Archive").orElseThrow().uidValidity());
        assertThat(store().messages(ALICE, "Archive").get(1).flags()).containsExactly(Flag.FLAGGED);
        assertThat(store().usedBytes(ALICE)).isEqualTo(2 * (7 + 8) + 9);
        try (InputStream in = store().openContent(ALICE, "Archive", 3).orElseThrow()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("second\r\n");
        }
        assertThat(store().copy(ALICE, "INBOX", List.of(a), "Archive", store().usedBytes(ALICE) + 3))
                .isInstanceOf(CopyOutcome.OverQuota.class);
        assertThatThrownBy(() -> store().copy(ALICE, "INBOX", List.of(a), "Nope", NO_LIMIT))
                .isInstanceOf(IllegalArgumentException.class);

        CopyOutcome.Copied moved = store().move(ALICE, "INBOX", List.of(a), "Trash");
        assertThat(moved.targetUids()).containsExactly(1L);
        assertThat(store().messages(ALICE, "INBOX")).extracting(StoredMessage::uid).containsExactly(b);
        try (InputStream in = store().openContent(ALICE, "Trash", 1).orElseThrow()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("first\r\n");
        }
        assertThat(store().usedBytes(ALICE)).isEqualTo(2 * (7 + 8) + 9);
    }

    @Test
    default void renameMovesChildrenAndRenamingInboxLeavesANewEmptyOne() throws IOException {
        store().ensureAccount(ALICE);
        store().createMailbox(ALICE, "Work", Optional.empty());
        store().createMailbox(ALICE, "Work/2025", Optional.empty());
        store().createMailbox(ALICE, "Workshop", Optional.empty());
        long validity = store().mailbox(ALICE, "Work").orElseThrow().uidValidity();
        store().renameMailbox(ALICE, "Work", "Jobs");
        assertThat(store().mailboxes(ALICE)).extracting(Mailbox::name)
                .contains("Jobs", "Jobs/2025", "Workshop").doesNotContain("Work", "Work/2025");
        assertThat(store().mailbox(ALICE, "Jobs").orElseThrow().uidValidity()).isEqualTo(validity);
        assertThatThrownBy(() -> store().renameMailbox(ALICE, "Jobs", "Sent")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().renameMailbox(ALICE, "Jobs", "Jobs/x")).isInstanceOf(IllegalArgumentException.class);

        long uid = append("INBOX", "keep\r\n", Set.of());
        long inboxValidity = store().mailbox(ALICE, "INBOX").orElseThrow().uidValidity();
        store().renameMailbox(ALICE, "inbox", "Old");
        assertThat(store().messages(ALICE, "Old")).extracting(StoredMessage::uid).containsExactly(uid);
        Mailbox fresh = store().mailbox(ALICE, "INBOX").orElseThrow();
        assertThat(store().messages(ALICE, "INBOX")).isEmpty();
        assertThat(fresh.uidValidity()).isNotEqualTo(inboxValidity);
    }

    @Test
    default void deleteRemovesMessagesButNotInboxOrParents() throws IOException {
        store().ensureAccount(ALICE);
        store().createMailbox(ALICE, "Old", Optional.empty());
        store().createMailbox(ALICE, "Old/Sub", Optional.empty());
        append("Old/Sub", "gone\r\n", Set.of());
        long validity = store().mailbox(ALICE, "Old/Sub").orElseThrow().uidValidity();
        assertThatThrownBy(() -> store().deleteMailbox(ALICE, "Old")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().deleteMailbox(ALICE, "INBOX")).isInstanceOf(IllegalArgumentException.class);
        store().deleteMailbox(ALICE, "Old/Sub");
        assertThat(store().mailbox(ALICE, "Old/Sub")).isEmpty();
        assertThat(store().usedBytes(ALICE)).isZero();
        // RFC 9051 2.3.1.1: a new mailbox of the same name gets a new UIDVALIDITY.
        assertThat(store().createMailbox(ALICE, "Old/Sub", Optional.empty()).uidValidity()).isNotEqualTo(validity);
        store().deleteMailbox(ALICE, "Old/Sub");
        store().deleteMailbox(ALICE, "Old");
        assertThat(store().mailbox(ALICE, "Old")).isEmpty();
    }

    @Test
    default void subscriptionsAndCounts() throws IOException {
        store().ensureAccount(ALICE);
        store().setSubscribed(ALICE, "Junk", false);
        assertThat(store().mailbox(ALICE, "Junk").orElseThrow().subscribed()).isFalse();
        store().setSubscribed(ALICE, "Junk", true);
        assertThat(store().mailbox(ALICE, "Junk").orElseThrow().subscribed()).isTrue();
        assertThatThrownBy(() -> store().setSubscribed(ALICE, "Nope", true)).isInstanceOf(IllegalArgumentException.class);

        append("INBOX", "12345\r\n", Set.of(Flag.SEEN));
        append("INBOX", "1\r\n", Set.of(Flag.DELETED));
        append("INBOX", "1\r\n", Set.of(Flag.SEEN, Flag.DELETED));
        assertThat(store().counts(ALICE, "INBOX")).contains(new MailboxCounts(3, 1, 2, 13));
        assertThat(store().counts(ALICE, "Sent")).contains(new MailboxCounts(0, 0, 0, 0));
        assertThat(store().counts(ALICE, "Nope")).isEmpty();
        assertThat(store().counts("bob@example.test", "INBOX")).isEmpty();
    }

    @Test
    default void anotherAccountsMailboxesAreOutOfReach() throws IOException {
        store().ensureAccount(ALICE);
        store().ensureAccount("bob@example.test");
        long uid = append("INBOX", "secret\r\n", Set.of());
        String bob = "bob@example.test";
        assertThat(store().expunge(bob, "INBOX", List.of(uid))).isEmpty();
        assertThat(store().storeFlags(bob, "INBOX", List.of(uid), new FlagChange(FlagChange.Mode.ADD,
                Set.of(Flag.DELETED), Set.of()), OptionalLong.empty()).changed()).isEmpty();
        assertThat(((CopyOutcome.Copied) store().copy(bob, "INBOX", List.of(uid), "Trash", NO_LIMIT)).targetUids())
                .isEmpty();
        assertThat(store().messages(ALICE, "INBOX")).hasSize(1);
        assertThat(store().messages(ALICE, "INBOX").getFirst().flags()).isEmpty();
    }
}
