package org.bastionmail.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.bastionmail.queue.Envelope;
import org.bastionmail.queue.IncomingMessage;
import org.bastionmail.queue.MessageQueue;

/** Keeps committed messages in memory; can be told to fail commits. */
final class FakeQueue implements MessageQueue {
    record Committed(String id, Envelope envelope, byte[] content) {
        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    final List<Committed> committed = new CopyOnWriteArrayList<>();
    final AtomicInteger closedWithoutCommit = new AtomicInteger();
    volatile boolean failCommit;
    private final AtomicInteger ids = new AtomicInteger();

    @Override
    public IncomingMessage newMessage() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String id = "Q" + ids.incrementAndGet();
        return new IncomingMessage() {
            private boolean done;

            @Override
            public String id() {
                return id;
            }

            @Override
            public java.io.InputStream openWritten() {
                return new java.io.ByteArrayInputStream(bytes.toByteArray());
            }

            @Override
            public void replaceHeader(byte[] header) {
                byte[] all = bytes.toByteArray();
                String text = new String(all, StandardCharsets.ISO_8859_1);
                int end = text.startsWith("\r\n") ? 0 : text.indexOf("\r\n\r\n");
                String body = end < 0 ? "" : text.substring(end == 0 ? 2 : end + 4);
                bytes.reset();
                bytes.writeBytes(header);
                bytes.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                bytes.writeBytes(body.getBytes(StandardCharsets.ISO_8859_1));
            }

            @Override
            public OutputStream content() {
                return bytes;
            }

            @Override
            public String commit(Envelope envelope) throws IOException {
                if (failCommit) {
                    throw new IOException("disk full");
                }
                committed.add(new Committed(id, envelope, bytes.toByteArray()));
                done = true;
                return id;
            }

            @Override
            public void close() {
                if (!done) {
                    closedWithoutCommit.incrementAndGet();
                    done = true;
                }
            }
        };
    }
}
