package org.bastionmail.net;

import java.time.Duration;

/**
 * Waits; the delay after a failed authentication (SMTP AUTH, POP3, IMAP) goes through it so tests need
 * not really wait.
 */
@FunctionalInterface
public interface Pause {
    void sleep(Duration duration) throws InterruptedException;

    static Pause real() {
        return Thread::sleep;
    }
}
