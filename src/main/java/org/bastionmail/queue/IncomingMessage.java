package org.bastionmail.queue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** A message being received; it is nothing until committed. */
public interface IncomingMessage extends AutoCloseable {
    /** The queue id the message will have once committed; written into its Received line. */
    String id();

    /** Where the message content goes, exactly the bytes to store (already dot-unstuffed, CRLF lines). */
    OutputStream content();

    /**
     * Reads back what was written to {@link #content()} so far (flushing it first), for checks that need
     * the whole message before it is accepted (DKIM, DMARC, filters).
     */
    InputStream openWritten() throws IOException;

    /**
     * Replaces the header section written so far (every byte before the empty line that ends it, or all of it
     * if there is none) with {@code header}, keeping the body; nothing may be written after. For content
     * filters that change header fields once the whole message is in (milter SMFIR_CHGHEADER).
     *
     * @param header CRLF-terminated header fields, without the empty line
     */
    default void replaceHeader(byte[] header) throws IOException {
        throw new IOException("this queue cannot change a received header section");
    }

    /**
     * Makes the message durable with its envelope and schedules its delivery.
     *
     * @return the queue id, shown to the client in the 250 reply
     */
    String commit(Envelope envelope) throws IOException;

    /** Discards the message unless it was committed. */
    @Override
    void close();
}
