package org.bastionmail.mtasts;

import java.time.Duration;

/** A point in monotonic time after which a fetch gives up, so a slow server cannot stretch it by trickling. */
record Deadline(long nanos) {
    static Deadline after(Duration timeout) {
        return new Deadline(System.nanoTime() + timeout.toNanos());
    }

    boolean passed() {
        return System.nanoTime() - nanos >= 0;
    }

    /** Milliseconds left, at least 1 (0 would mean "no timeout" to the socket API). */
    int remainingMillis() {
        long left = (nanos - System.nanoTime()) / 1_000_000;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
    }
}
