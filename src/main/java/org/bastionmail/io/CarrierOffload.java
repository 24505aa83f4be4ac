package org.bastionmail.io;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs work that would pin a virtual thread's carrier for long (JNI calls into SQLite, fsync) on a
 * small pool of platform threads.
 *
 * <p>With two carriers on a small machine, a few sessions stuck in native code would stall every other
 * session; parking the virtual thread on a {@link Future} instead frees its carrier.
 *
 * <p>The pool is larger than the number of cores because most of this work waits for the disk: fsyncs
 * issued together are merged by the file system into one journal commit, so sessions that fsync at
 * the same time should be able to.
 */
public final class CarrierOffload {
    private static final int THREADS = Math.max(32, 4 * Runtime.getRuntime().availableProcessors());
    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, runnable -> {
        Thread t = new Thread(runnable, "offload-" + Counter.NEXT.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private CarrierOffload() {}

    private static final class Counter {
        static final AtomicInteger NEXT = new AtomicInteger();
    }

    /** A piece of blocking work that may throw a checked exception. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T call() throws E;
    }

    /**
     * Runs {@code work} on a platform thread when called from a virtual thread, inline otherwise, and
     * rethrows what it threw.
     */
    public static <T, E extends Exception> T call(Work<T, E> work) throws E {
        if (!Thread.currentThread().isVirtual()) {
            return work.call();
        }
        Callable<T> task = work::call;
        Future<T> future = POOL.submit(task);
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for blocking work", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            @SuppressWarnings("unchecked")
            E checked = (E) cause;
            throw checked;
        }
    }
}
