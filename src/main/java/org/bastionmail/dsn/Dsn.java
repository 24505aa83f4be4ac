package org.bastionmail.dsn;

import java.io.IOException;
import java.util.Objects;
import org.bastionmail.queue.Envelope;
import org.bastionmail.queue.IncomingMessage;
import org.bastionmail.queue.MessageQueue;

/**
 * A complete DSN, ready for the queue.
 *
 * @param kind what it reports
 * @param envelope the envelope to send it with: MAIL FROM:&lt;&gt; (RFC 3461 6.1), one recipient, the original
 *     sender, with NOTIFY=NEVER
 * @param message the message bytes: CRLF lines of at most 998 bytes, header section in ASCII unless the
 *     recipient's address is not (then {@code envelope.smtpUtf8()} is set)
 */
public record Dsn(DsnKind kind, Envelope envelope, byte[] message) {
    public Dsn {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(envelope, "envelope");
        message = message.clone();
    }

    @Override
    public byte[] message() {
        return message.clone();
    }

    /**
     * Commits the DSN to the queue, which delivers it like any other message. This writes and fsyncs: a
     * caller on a virtual thread goes through {@code io.CarrierOffload}.
     *
     * @return the DSN's queue id
     */
    public String enqueue(MessageQueue queue) throws IOException {
        try (IncomingMessage incoming = queue.newMessage()) {
            incoming.content().write(message);
            return incoming.commit(envelope);
        }
    }
}
