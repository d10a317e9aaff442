package dev.jgort.core.api;

import dev.jgort.api.DeadlockException;
import dev.jgort.api.GState;
import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.api.WorldStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static dev.jgort.core.api.GoTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** Cases a review of the scheduler found broken, kept so they stay fixed. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReviewRegressionTest {

    /** A goroutine may park inside Go.syscall (sleep, a lock): the call's result still comes back. */
    @Test
    void parkingInsideASyscallReturnsNormally() throws Exception {
        try (GoRuntime rt = start(2)) {
            int v = inGoroutine(rt, () -> Go.syscall(() -> {
                Thread.sleep(5);
                return 42;
            }));
            assertEquals(42, v);
            int w = inGoroutine(rt, () -> Go.blockingSyscall(() -> {
                Thread.sleep(5);
                return 7;
            }));
            assertEquals(7, w);
        }
    }

    /** A goroutine parked forever inside Go.syscall is asleep like any other: close() reports it. */
    @Test
    void aGoroutineParkedInsideASyscallCountsForDeadlockDetection() throws Exception {
        GoRuntime rt = GoRuntime.start(config(2).withDeadlockGrace(Duration.ofMillis(300)));
        try {
            Goroutine g = rt.go(() -> {
                try {
                    Go.syscall(() -> new CountDownLatch(1).await());
                } catch (InterruptedException e) {
                    // shutdownNow below
                }
            });
            awaitState(g, GState.WAITING);
            DeadlockException e = assertThrows(DeadlockException.class, rt::close);
            assertEquals(1, e.goroutines());
        } finally {
            rt.shutdownNow();
        }
    }

    /** The world stopped by a goroutine and started by a platform thread: the goroutine keeps its P. */
    @Test
    void theWorldCanBeStartedFromAnotherThreadThanTheGoroutineThatStoppedIt() throws Exception {
        try (GoRuntime rt = start(2)) {
            AtomicReference<WorldStop> stopped = new AtomicReference<>();
            AtomicBoolean started = new AtomicBoolean();
            Goroutine stopper = rt.go(() -> {
                stopped.set(rt.stopTheWorld("handed over"));
                while (!started.get()) Thread.onSpinWait(); // must not block while the world is stopped
            });
            awaitOutside(() -> stopped.get() != null, "the world to stop");
            stopped.get().close();
            started.set(true);
            assertJoined(stopper);
            // The scheduler is consistent afterwards: it resizes and runs goroutines on every P.
            assertEquals(2, rt.setMaxProcs(3));
            AtomicInteger ran = new AtomicInteger();
            for (int i = 0; i < 100; i++) assertJoined(rt.go(ran::incrementAndGet));
            assertEquals(100, ran.get());
            assertEquals(3, rt.setMaxProcs(2));
        }
    }

    /** A forEachP function that blocks (it must not, but may) does not wedge the runtime. */
    @Test
    void aBlockingForEachPFunctionDoesNotWedgeTheRuntime() throws Exception {
        try (GoRuntime rt = start(3)) {
            AtomicInteger calls = new AtomicInteger();
            runInGoroutine(rt, () -> rt.forEachP(id -> {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // parks the calling goroutine
                calls.incrementAndGet();
            }));
            assertEquals(3, calls.get());
            assertJoined(rt.go(() -> { }));
        }
    }
}
