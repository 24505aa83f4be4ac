package org.bastionmail.cli;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bastionmail.config.Config;
import org.bastionmail.mail.MailAddress;
import org.bastionmail.queue.FileQueue;
import org.bastionmail.queue.QueueEntry;
import org.bastionmail.queue.QueueRequests;
import org.bastionmail.queue.RecipientState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code bastion queue list|show|retry|delete|flush}: looks at the queue directly (read-only) and leaves
 * change requests for the running server, which carries them out within a second (or at its next start).
 */
@Command(name = "queue", description = "Inspect and steer the mail queue.", mixinStandardHelpOptions = true)
final class QueueCommand {

    @Command(name = "list", description = "List queued messages: id, age, size, sender, recipients waiting.")
    void list(@Mixin ConfigOption option) throws IOException {
        Config config = option.load();
        List<QueueEntry> entries = FileQueue.inspect(config.dataDir()).entries();
        Instant now = Instant.now();
        for (QueueEntry entry : entries) {
            long open = entry.recipients().stream().filter(r -> r.status().open()).count();
            System.out.printf("%s  %8s  %9d bytes  from %s  %d recipient(s) waiting%n", entry.id(),
                    age(Duration.between(entry.envelope().receivedAt(), now)), entry.size(),
                    entry.envelope().sender().map(MailAddress::toString).orElse("<>"), open);
        }
        System.out.println(entries.size() + " message(s) in the queue");
    }

    @Command(name = "show", description = "Show one queued message's envelope and each recipient's state.")
    void show(@Mixin ConfigOption option, @Parameters(paramLabel = "ID") String id) throws IOException {
        QueueEntry entry = FileQueue.inspect(option.load().dataDir()).entry(id)
                .orElseThrow(() -> new IllegalArgumentException("no queued message " + id));
        System.out.println("id:        " + entry.id());
        System.out.println("received:  " + entry.envelope().receivedAt() + " from " + entry.envelope().clientAddress()
                + " (" + entry.envelope().clientHelo() + ")");
        System.out.println("sender:    " + entry.envelope().sender().map(MailAddress::toString).orElse("<>"));
        entry.envelope().authenticatedAccount().ifPresent(a -> System.out.println("submitted: by " + a));
        System.out.println("size:      " + entry.size() + " bytes");
        for (RecipientState r : entry.recipients()) {
            System.out.println("  " + r.recipient().address() + "  " + r.status().name().toLowerCase(java.util.Locale.ROOT)
                    + "  attempts " + r.attempts()
                    + r.nextAttempt().map(at -> "  next " + at).orElse("")
                    + r.reason().map(why -> "  (" + why + ")").orElse(""));
        }
    }

    @Command(name = "retry", description = "Try a deferred message again now.")
    void retry(@Mixin ConfigOption option, @Parameters(paramLabel = "ID") String id) throws IOException {
        request(option, new QueueRequests.Request.Retry(id), "retry of " + id);
    }

    @Command(name = "delete", description = "Remove a message from the queue without delivering it (no bounce).")
    void delete(@Mixin ConfigOption option, @Parameters(paramLabel = "ID") String id) throws IOException {
        request(option, new QueueRequests.Request.Delete(id), "deletion of " + id);
    }

    @Command(name = "flush", description = "Try every deferred message again now.")
    void flush(@Mixin ConfigOption option) throws IOException {
        request(option, new QueueRequests.Request.Flush(), "flush");
    }

    private static void request(ConfigOption option, QueueRequests.Request request, String what) throws IOException {
        Config config = option.load();
        if (request instanceof QueueRequests.Request.Retry(String id) && FileQueue.inspect(config.dataDir()).entry(id).isEmpty()
                || request instanceof QueueRequests.Request.Delete(String did) && FileQueue.inspect(config.dataDir()).entry(did).isEmpty()) {
            throw new IllegalArgumentException("no queued message with that id");
        }
        new QueueRequests(config.dataDir()).submit(request);
        System.out.println(what + " requested: the running server carries it out within a second (or when it next starts)");
    }

    private static String age(Duration age) {
        if (age.toDays() > 0) {
            return age.toDays() + "d" + age.toHoursPart() + "h";
        }
        if (age.toHours() > 0) {
            return age.toHours() + "h" + age.toMinutesPart() + "m";
        }
        return age.toMinutes() + "m" + age.toSecondsPart() + "s";
    }
}
