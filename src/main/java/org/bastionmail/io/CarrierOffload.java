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
     * Runs two pieces of independent blocking work at the same time (two fsyncs cost one disk wait), on
     * platform threads when called from a virtual thread, one after the other otherwise; returns when
     * both are done and rethrows what the first that failed threw.
     */
    public static <E extends Exception> void callTogether(Work<?, E> first, Work<?, E> second) throws E {
        if (!Thread.currentThread().isVirtual()) {
            first.call();
            second.call();
            return;
        }
        Callable<Object> task = second::call;
        Future<Object> other = POOL.submit(task);
        try {
            call(first);
        } finally {
            // Both are finished before the caller goes on, whatever happened to the first.
            boolean interrupted = false;
            while (!other.isDone()) {
                try {
                    other.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    break;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            other.get();
        } catch (InterruptedException e) {
            throw new IllegalStateException("cannot happen: the work is done", e);
        } catch (ExecutionException e) {
            throw CarrierOffload.<E>rethrow(e);
        }
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
            throw CarrierOffload.<E>rethrow(e);
        }
    }

    /** What the work threw, to be thrown again in the caller. */
    private static <E extends Exception> E rethrow(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
            throw re;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        @SuppressWarnings("unchecked")
        E checked = (E) cause;
        return checked;
    }
}
