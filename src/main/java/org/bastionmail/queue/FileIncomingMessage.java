package org.bastionmail.queue;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.bastionmail.io.CarrierOffload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A message being received into {@code queue/incoming/<id>.eml}. */
final class FileIncomingMessage implements IncomingMessage {
    private static final Logger LOG = LoggerFactory.getLogger(FileIncomingMessage.class);
    /** Small: MessageContent writes in large pieces, which go past this buffer to the file. */
    private static final int BUFFER = 8 * 1024;

    private final FileQueue queue;
    private final String id;
    private final Path tempContent;
    private final Path tempEnvelope;
    private final FileChannel channel;
    private final BufferedOutputStream buffered;
    private final OutputStream content;
    private boolean committed;
    private boolean closed;

    FileIncomingMessage(FileQueue queue, String id, Path tempContent, Path tempEnvelope, FileChannel channel) {
        this.queue = queue;
        this.id = id;
        this.tempContent = tempContent;
        this.tempEnvelope = tempEnvelope;
        this.channel = channel;
        this.buffered = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER);
        // The SMTP side may close what it wrote to; the file must stay open until commit or close.
        this.content = new FilterOutputStream(buffered) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
    }

    @Override
    public OutputStream content() {
        return content;
    }

    @Override
    public String commit(Envelope envelope) throws IOException {
        if (committed || closed) {
            throw new IllegalStateException("message " + id + " is already committed or discarded");
        }
        if (envelope.recipients().isEmpty()) {
            throw new IllegalArgumentException("a message needs at least one recipient");
        }
        byte[] json = QueueJson.write(envelope);
        buffered.flush();
        Path content = queue.contentFile(id);
        Path envelopeFile = queue.envelopeFile(id);
        // Independent files: both fsyncs at once.
        CarrierOffload.callTogether(() -> {
            channel.force(true);
            channel.close();
            return null;
        }, () -> {
            writeSynced(tempEnvelope, json);
            return null;
        });
        // The renames and the directory fsyncs are shared with the sessions committing meanwhile.
        queue.groupCommit().commit(new GroupCommit.Move(tempContent, content, tempEnvelope, envelopeFile));
        committed = true;
        closed = true;
        queue.committed(id, envelope);
        return id;
    }

    private static void writeSynced(Path file, byte[] data) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
    }

    @Override
    public InputStream openWritten() throws IOException {
        buffered.flush();
        return Files.newInputStream(tempContent);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
            Files.deleteIfExists(tempContent);
            Files.deleteIfExists(tempEnvelope);
        } catch (IOException e) {
            // The next open removes what is left in incoming/.
            LOG.warn("could not discard incoming message {}: {}", id, e.toString());
        }
    }
}
