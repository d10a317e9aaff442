package dev.jgort.jni;

import dev.jgort.spi.CarrierStates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;

import static dev.jgort.core.api.GoTestSupport.BOUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What sysmon asks the OS of a carrier that used no CPU in native code: waiting in the kernel, or
 * runnable. The probe is made on the carrier's own thread and asked from another (sysmon's); on Linux
 * its /proc stat file is opened by the first question, not when the carrier registers.
 */
@EnabledOnOs(OS.LINUX) // macOS reads thread_info (untested here); Windows does not tell (OS_UNKNOWN)
class CarrierOsStateTest {
    private static final CarrierStates STATES = new HotSpotCarrierStates();

    /** Registers a probe on a thread of its own that waits (parked) or spins, as {@code spin} says. */
    private static void onProbedThread(boolean spin, IntPredicate check) throws InterruptedException {
        assertNull(STATES.unavailableReason());
        AtomicLong handle = new AtomicLong();
        CountDownLatch registered = new CountDownLatch(1), done = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        Thread t = Thread.ofPlatform().start(() -> {
            handle.set(STATES.register());
            registered.countDown();
            try {
                if (spin) {
                    while (!stop.get()) Thread.onSpinWait();
                } else {
                    done.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                STATES.deregister(handle.get());
            }
        });
        try {
            assertTrue(registered.await(BOUND.toSeconds(), TimeUnit.SECONDS));
            assertTrue(handle.get() != 0, "no probe for a platform thread");
            // Until the OS agrees (a thread just started may still be on its way into the wait), bounded.
            long deadline = System.nanoTime() + BOUND.toNanos();
            int seen;
            while (!check.test(seen = STATES.osState(handle.get()))) {
                assertTrue(System.nanoTime() - deadline < 0, "the OS state stayed " + seen);
                Thread.onSpinWait();
            }
        } finally {
            stop.set(true);
            done.countDown();
            t.join();
        }
    }

    @Test
    void aParkedThreadReadsWaiting() throws InterruptedException {
        onProbedThread(false, s -> s == CarrierStates.OS_WAITING);
    }

    @Test
    void aSpinningThreadReadsRunnableEveryTime() throws InterruptedException {
        onProbedThread(true, s -> {
            assertEquals(CarrierStates.OS_RUNNABLE, s, "a spinning thread read as not runnable");
            return true;
        });
    }
}
