package org.bastionmail.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CarrierOffloadTest {
    /** Runs {@code body} on a virtual thread and returns what it threw, if anything. */
    private static Throwable onVirtualThread(CarrierOffload.Work<Void, Exception> body) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                body.call();
            } catch (Throwable t) {
                thrown.set(t);
            }
        }).join();
        return thrown.get();
    }

    @Test
    void togetherRunsBothAtTheSameTimeOnPlatformThreads() throws Exception {
        // Each waits for the other to have started: only possible if they run at the same time.
        CountDownLatch started = new CountDownLatch(2);
        AtomicBoolean platform = new AtomicBoolean(true);
        Throwable thrown = onVirtualThread(() -> {
            CarrierOffload.Work<Void, Exception> work = () -> {
                platform.compareAndSet(true, !Thread.currentThread().isVirtual());
                started.countDown();
                if (!started.await(10, TimeUnit.SECONDS)) {
                    throw new IOException("the other one never started");
                }
                return null;
            };
            CarrierOffload.callTogether(work, work);
            return null;
        });
        assertThat(thrown).isNull();
        assertThat(platform).isTrue();
    }

    @Test
    void togetherRethrowsWhatEitherThrewAfterBothFinished() throws Exception {
        AtomicBoolean secondFinished = new AtomicBoolean();
        Throwable first = onVirtualThread(() -> {
            CarrierOffload.callTogether(() -> {
                throw new IOException("first");
            }, () -> {
                Thread.sleep(50);
                secondFinished.set(true);
                return null;
            });
            return null;
        });
        assertThat(first).isInstanceOf(IOException.class).hasMessage("first");
        assertThat(secondFinished).isTrue();

        Throwable second = onVirtualThread(() -> {
            CarrierOffload.callTogether(() -> null, () -> {
                throw new IOException("second");
            });
            return null;
        });
        assertThat(second).isInstanceOf(IOException.class).hasMessage("second");
    }

    @Test
    void togetherRunsInlineOnAPlatformThread() {
        assertThatThrownBy(() -> CarrierOffload.callTogether(() -> null, () -> {
            throw new IOException("inline");
        })).isInstanceOf(IOException.class).hasMessage("inline");
    }
}
