package org.bastionmail.reports;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.bastionmail.queue.FileQueue;
import org.bastionmail.queue.QueueEntry;

/** A message the sender queued, read back from the queue and parsed with Mime4j. */
record QueuedMail(QueueEntry entry, byte[] bytes, Message message) {
    static List<QueuedMail> all(FileQueue queue) throws IOException {
        List<QueuedMail> mails = new ArrayList<>();
        List<QueueEntry> entries = new ArrayList<>(queue.entries());
        entries.sort(Comparator.comparing(e -> e.envelope().recipients().getFirst().address().toString()));
        for (QueueEntry entry : entries) {
            byte[] bytes = Files.readAllBytes(queue.contentFile(entry.id()));
            mails.add(new QueuedMail(entry, bytes, new DefaultMessageBuilder().parseMessage(new ByteArrayInputStream(bytes))));
        }
        return mails;
    }

    String recipient() {
        return entry.envelope().recipients().getFirst().address().toString();
    }

    String field(String name) {
        return message.getHeader().getField(name).getBody();
    }

    List<Entity> parts() {
        return ((Multipart) message.getBody()).getBodyParts();
    }

    /** The decoded content of a part. */
    static byte[] content(Entity part) throws IOException {
        try (InputStream in = ((SingleBody) part.getBody()).getInputStream()) {
            return in.readAllBytes();
        }
    }

    static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }
}
