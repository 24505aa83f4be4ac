package org.bastionmail.delivery;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Counts the delivery work that is queued or running, so that tests and shutdown can wait for none. */
final class WorkInFlight {
    private final Object lock = new Object();
    private int count;

    void started() {
        synchronized (lock) {
            count++;
        }
    }

    void finished() {
        synchronized (lock) {
            count--;
            lock.notifyAll();
        }
    }

    /** Waits until nothing is in flight; false when {@code timeout} passed first. */
    boolean awaitNone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (count > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }
}
