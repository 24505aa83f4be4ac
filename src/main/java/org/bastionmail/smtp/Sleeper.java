package org.bastionmail.smtp;

import java.time.Duration;

/** Waits; the delay after a failed AUTH goes through it so tests need not really wait. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    static Sleeper real() {
        return Thread::sleep;
    }
}
