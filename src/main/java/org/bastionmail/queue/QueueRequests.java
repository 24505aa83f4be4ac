package org.bastionmail.queue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bastionmail.io.PrivateDirectories;

/**
 * What an administrator asks of the queue while the server runs ({@code bastion queue retry|delete|flush}):
 * one small file per request in {@code data_dir/queue/requests/}, taken and carried out by the running
 * server within a second, or at its next start. Files rather than a socket: the CLI needs no
 * credentials beyond access to the data dir, which it needs anyway.
 */
public final class QueueRequests {
    private static final int MAX_PENDING = 1000;

    /** One request. */
    public sealed interface Request {
        /** Try the remote recipients of this entry now. */
        record Retry(String id) implements Request {}

        /** Remove this entry without delivering it. */
        record Delete(String id) implements Request {}

        /** Try every deferred remote recipient now. */
        record Flush() implements Request {}
    }

    private final Path folder;

    public QueueRequests(Path dataDir) {
        this.folder = dataDir.resolve("queue").resolve("requests");
    }

    /** Leaves a request for the server. */
    public void submit(Request request) throws IOException {
        PrivateDirectories.create(folder);
        String name = switch (request) {
            case Request.Retry r -> "retry-" + checked(r.id());
            case Request.Delete d -> "delete-" + checked(d.id());
            case Request.Flush f -> "flush";
        };
        Files.writeString(folder.resolve(name), "");
    }

    /** Takes every waiting request (each file is removed as it is taken). */
    public List<Request> take() throws IOException {
        List<Request> requests = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return requests;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                if (requests.size() >= MAX_PENDING) {
                    break;
                }
                parse(file.getFileName().toString()).ifPresent(requests::add);
                Files.deleteIfExists(file);
            }
        }
        return requests;
    }

    static Optional<Request> parse(String name) {
        if (name.equals("flush")) {
            return Optional.of(new Request.Flush());
        }
        if (name.startsWith("retry-") && QueueId.isValid(name.substring(6))) {
            return Optional.of(new Request.Retry(name.substring(6)));
        }
        if (name.startsWith("delete-") && QueueId.isValid(name.substring(7))) {
            return Optional.of(new Request.Delete(name.substring(7)));
        }
        return Optional.empty();
    }

    private static String checked(String id) {
        if (!QueueId.isValid(id)) {
            throw new IllegalArgumentException("not a queue id: " + id);
        }
        return id;
    }
}
