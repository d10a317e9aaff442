package dev.jgort.core.api;

import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.api.RuntimeStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.jgort.core.api.GoTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * What Go never needs and the JVM does: sysmon takes the P of an M whose goroutine keeps it without a
 * scheduling point — blocked in a native call made without Go.syscall, or a CPU hog that ignores
 * preemption — so the P's other goroutines keep running (1 P here: nothing else could run them).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StuckMTest {

    @Test
    void aGoroutineBlockedInAnFfmCallWithoutSyscallDoesNotStopTheOthers() throws Exception {
        try (GoRuntime rt = start(1)) {
            AtomicBoolean flag = new AtomicBoolean();
            CountDownLatch blocking = new CountDownLatch(1);
            Failures failures = new Failures();
            Goroutine blocked = failures.go(rt, () -> {
                blocking.countDown();
                while (!flag.get()) SyscallTest.usleep(20_000); // no Go.syscall: the carrier just blocks
            });
            assertTrue(blocking.await(BOUND.toSeconds(), TimeUnit.SECONDS));
            Goroutine other = failures.go(rt, () -> flag.set(true));
            assertJoined(other);
            assertJoined(blocked);
            failures.check();
            RuntimeStats st = rt.stats();
            // Seen as a native call where the VM's thread states can be read (runtime-jni's run of this
            // suite), else by the carrier's flat CPU time.
            long taken = st.nativeCallWatch().equals("heuristic") ? st.stolenProcs() : st.nativeCallRetakes();
            assertTrue(taken >= 1, "sysmon did not take the P: " + st);
            awaitOutside(() -> rt.stats().oversubscribed() == 0, "the M without a P to stop");
        }
    }

    @Test
    void aCpuHogThatNeverYieldsLosesItsPSoALightGoroutineStillFinishes() throws Exception {
        try (GoRuntime rt = start(1)) {
            AtomicBoolean lightDone = new AtomicBoolean();
            CountDownLatch hogRunning = new CountDownLatch(1);
            long[] spins = new long[1];
            Goroutine hog = rt.go(() -> {
                hogRunning.countDown();
                long n = 0;
                while (!lightDone.get()) n++; // never parks, yields or checks for preemption
                spins[0] = n;
            });
            assertTrue(hogRunning.await(BOUND.toSeconds(), TimeUnit.SECONDS));
            Goroutine light = rt.go(() -> lightDone.set(true));
            assertJoined(light);
            assertJoined(hog);
            assertTrue(spins[0] > 0);
            assertTrue(rt.stats().stolenProcs() >= 1);
            assertTrue(rt.schedTrace(true).contains(" stolenprocs="), rt.schedTrace(true));
        }
    }

    @Test
    void maxOversubscriptionZeroTurnsTheHandOffOff() throws Exception {
        try (GoRuntime rt = GoRuntime.start(config(2).withMaxOversubscription(0))) {
            assertEquals(0, rt.config().maxOversubscription());
            AtomicBoolean flag = new AtomicBoolean();
            // With 2 Ps the second goroutine runs on the other P anyway; sysmon must not take any.
            Goroutine blocked = rt.go(() -> {
                while (!flag.get()) SyscallTest.usleep(20_000);
            });
            Goroutine other = rt.go(() -> flag.set(true));
            assertJoined(other);
            assertJoined(blocked);
            assertEquals(0, rt.stats().stolenProcs());
        }
    }
}
