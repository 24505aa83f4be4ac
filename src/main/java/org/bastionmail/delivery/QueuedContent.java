package org.bastionmail.delivery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bastionmail.smtp.client.MessageContent;

/** A queued message as it leaves: the header fields the receiving checks added, then the stored content. */
final class QueuedContent implements MessageContent {
    private final byte[] prefix;
    private final Path file;
    private final long size;

    QueuedContent(String prependedHeaders, Path file) throws IOException {
        this.prefix = prependedHeaders.getBytes(StandardCharsets.UTF_8);
        this.file = file;
        this.size = prefix.length + Files.size(file);
    }

    @Override
    public InputStream open() throws IOException {
        return new SequenceInputStream(new ByteArrayInputStream(prefix), Files.newInputStream(file));
    }

    @Override
    public long size() {
        return size;
    }
}
