package org.bastionmail.queue;

import java.io.IOException;

/**
 * The durable queue that SMTP hands accepted messages to.
 *
 * <p>The contract that makes a 250 a promise: when {@link IncomingMessage#commit} returns, the message
 * content and its envelope are on disk and fsync'd, and a crash at any later instant cannot lose them.
 * A crash before that leaves at most a stray temporary file, which the next start removes.
 */
public interface MessageQueue {
    /** Starts receiving a message into a temporary file of the queue. */
    IncomingMessage newMessage() throws IOException;

    /**
     * Whether the queue's file system has at least {@code bytes} free, so that SMTP can refuse a
     * transaction up front (452 4.3.1) instead of failing at the end of DATA. A queue that cannot tell says yes.
     */
    default boolean hasRoomFor(long bytes) {
        return true;
    }
}
