package org.bastionmail.smtp;

import java.io.IOException;

/** Tells whether an account's mailbox is full, so RCPT can refuse it at once (RFC 3463 4.2.2). */
@FunctionalInterface
public interface MailboxQuota {
    /** Whether {@code account} has no room left for new mail. */
    boolean isFull(String account) throws IOException;

    static MailboxQuota unlimited() {
        return account -> false;
    }
}
