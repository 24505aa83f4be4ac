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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
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
    private FileChannel channel;
    /** Set once the header section was replaced: the file is then another one, and complete. */
    private boolean sealed;
    private final BufferedOutputStream buffered;
    private final OutputStream content;
    private boolean committed;
    /** Of every content byte written, for the envelope's check (see QueueJson.ContentCheck). */
    private final CRC32C crc = new CRC32C();
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
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (sealed) {
                    throw new IOException("message " + id + " is complete: its header section was replaced");
                }
                out.write(b, off, len);
                crc.update(b, off, len);
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
        buffered.flush();
        byte[] json = QueueJson.write(envelope, new QueueJson.ContentCheck(channel.position(), crc.getValue()));
        Path content = queue.contentFile(id);
        Path envelopeFile = queue.envelopeFile(id);
        // Renamed into place before anything is fsync'd, so that the fsyncs of both files and of both
        // directories run at the same time: one disk wait before the 250. A crash before they all returned
        // may keep the names with part of the data; FileQueue.recover tells (the envelope's JSON is cut
        // short, or the content's length or CRC differs from what the envelope says) and removes the
        // message, which was never acknowledged.
        FileChannel envelopeChannel = CarrierOffload.call(() -> {
            FileChannel out = FileChannel.open(tempEnvelope, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                ByteBuffer buffer = ByteBuffer.wrap(json);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                // Content first: a listed envelope always has its content.
                Files.move(tempContent, content, StandardCopyOption.ATOMIC_MOVE);
                Files.move(tempEnvelope, envelopeFile, StandardCopyOption.ATOMIC_MOVE);
                return out;
            } catch (IOException | RuntimeException e) {
                out.close();
                undo(content, envelopeFile);
                throw e;
            }
        });
        // From here the message may be seen (and delivered) before it is durable, as with any commit that
        // then fails: SMTP prefers a duplicate to a loss (RFC 5321 6.1).
        try {
            CompletableFuture<Void> names = queue.groupCommit().request();
            CarrierOffload.callTogether(() -> {
                channel.force(true);
                return null;
            }, () -> {
                envelopeChannel.force(true);
                return null;
            });
            GroupCommit.await(names);
        } catch (IOException | RuntimeException e) {
            CarrierOffload.call(() -> {
                undo(content, envelopeFile);
                return null;
            });
            throw e;
        } finally {
            closeQuietly(envelopeChannel);
            closeQuietly(channel);
        }
        committed = true;
        closed = true;
        queue.committed(id, envelope);
        return id;
    }

    /** Not acknowledged: make sure it is not delivered either (envelope first: the entry is gone at once). */
    private void undo(Path content, Path envelopeFile) {
        try {
            Files.deleteIfExists(envelopeFile);
            Files.deleteIfExists(tempEnvelope);
            Files.deleteIfExists(content);
        } catch (IOException e) {
            // Left for the next open: a torn or unmatched entry is removed there.
            LOG.error("cannot remove the unacknowledged queue files of {}: {}", id, e.toString());
        }
    }

    private void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.warn("cannot close a queue file of {}: {}", id, e.toString());
        }
    }

    @Override
    public void replaceHeader(byte[] header) throws IOException {
        if (committed || closed) {
            throw new IllegalStateException("message " + id + " is already committed or discarded");
        }
        buffered.flush();
        sealed = true;
        Path rewritten = tempContent.resolveSibling(id + ".rewrite");
        FileChannel target = FileChannel.open(rewritten, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(tempContent), BUFFER)) {
            crc.reset();
            OutputStream out = new CheckedOutputStream(Channels.newOutputStream(target), crc);
            skipHeader(in);
            out.write(header);
            out.write(new byte[] {'\r', '\n'});
            in.transferTo(out);
            // Not fsync'd here: commit fsyncs this channel. The rewritten file takes the incoming name;
            // commit then moves it like any other.
            Files.move(rewritten, tempContent, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            target.close();
            Files.deleteIfExists(rewritten);
            throw e;
        }
        channel.close();
        channel = target;
    }

    /**
     * Reads past the header section and the empty line after it (RFC 5322 2.1); a message without an empty
     * line is all header and has no body.
     */
    private static void skipHeader(InputStream in) throws IOException {
        int before2 = -1;
        int before1 = -1;
        int previous = -1;
        long index = 0;
        int d;
        while ((d = in.read()) >= 0) {
            // A CRLF at the very start, or right after another CRLF, is the empty line.
            if (d == '\n' && previous == '\r' && (index == 1 || (before1 == '\n' && before2 == '\r'))) {
                return;
            }
            before2 = before1;
            before1 = previous;
            previous = d;
            index++;
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
