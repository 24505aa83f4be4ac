package org.bastionmail.smtp.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A message's content (header section and body), opened when DATA is accepted. Line endings may be CRLF
 * or bare LF; the client sends CRLF and dot-stuffs on the fly (RFC 5321 4.5.2).
 */
public interface MessageContent {
    InputStream open() throws IOException;

    /** The size in octets, for the SIZE parameter (RFC 1870 3: an estimate is allowed). */
    long size();

    static MessageContent of(Path file) throws IOException {
        long size = Files.size(file);
        return new MessageContent() {
            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }

            @Override
            public long size() {
                return size;
            }
        };
    }

    static MessageContent of(byte[] content) {
        byte[] copy = content.clone();
        return new MessageContent() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(copy);
            }

            @Override
            public long size() {
                return copy.length;
            }
        };
    }

    /** A stream that can be read once: a second {@link #open()} (another host, a retry) fails. */
    static MessageContent once(InputStream in, long size) {
        AtomicBoolean used = new AtomicBoolean();
        return new MessageContent() {
            @Override
            public InputStream open() throws IOException {
                if (used.getAndSet(true)) {
                    throw new IOException("this message content was already sent once");
                }
                return in;
            }

            @Override
            public long size() {
                return size;
            }
        };
    }
}
