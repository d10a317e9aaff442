package dev.jgort.core.api;

import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.api.RuntimeConfig;
import dev.jgort.api.WorldStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static dev.jgort.core.api.GoTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** GOMAXPROCS at run time, stop-the-world and forEachP. */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WorldTest {

    /** A goroutine that keeps starting a new copy of itself until told to stop (Go's perpetuumMobile). */
    private static void perpetuumMobile(GoRuntime rt, AtomicBoolean stop, LongAdder generations) {
        if (stop.get()) return;
        generations.increment();
        rt.go(() -> perpetuumMobile(rt, stop, generations));
    }

    /**
     * Go's TestStopTheWorldDeadlock: 1000 GOMAXPROCS changes and 1000 forEachP calls (Go: runtime.GC)
     * racing each other and a self-respawning goroutine all complete.
     */
    @Test
    void stopTheWorldDeadlock() throws Exception {
        try (GoRuntime rt = start(3)) {
            AtomicBoolean stop = new AtomicBoolean();
            LongAdder generations = new LongAdder();
            Failures failures = new Failures();
            rt.go(() -> perpetuumMobile(rt, stop, generations));
            Goroutine gc = failures.go(rt, () -> {
                for (int i = 0; i < 1000; i++) rt.forEachP(id -> { });
            });
            Goroutine procs = failures.go(rt, () -> {
                for (int i = 0; i < 1000; i++) rt.setMaxProcs(2 + (i & 1));
            });
            assertJoined(gc);
            assertJoined(procs);
            stop.set(true);
            failures.check();
            assertTrue(generations.sum() > 0);
        }
    }

    /** Go's TestBigGOMAXPROCS: 1024 Ps, at start and at run time, and work still runs. */
    @Test
    void bigGomaxprocs() throws Exception {
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(1024))) {
            assertEquals(1024, rt.stats().localRunqueues().length);
            assertEquals(10_000, spawnAndCount(rt, 10_000));
        }
        try (GoRuntime rt = start(2)) {
            assertEquals(2, rt.setMaxProcs(1024));
            assertEquals(1024, rt.maxProcs());
            assertEquals(1024, rt.stats().maxProcs());
            assertEquals(10_000, spawnAndCount(rt, 10_000));
            assertEquals(1024, rt.setMaxProcs(2));
            assertEquals(2, rt.stats().localRunqueues().length);
        }
    }

    private static long spawnAndCount(GoRuntime rt, int n) throws InterruptedException {
        LongAdder count = new LongAdder();
        return inGoroutine(rt, () -> {
            Thread[] ts = new Thread[n];
            for (int i = 0; i < n; i++) ts[i] = rt.go(count::increment).thread();
            for (Thread t : ts) t.join();
            return count.sum();
        });
    }

    @Test
    void setMaxProcsReadsValidatesAndReturnsThePreviousValue() throws Exception {
        try (GoRuntime rt = start(2)) {
            assertEquals(2, rt.setMaxProcs(0));
            assertEquals(2, rt.setMaxProcs(-5));
            assertEquals(2, rt.setMaxProcs(2));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rt.setMaxProcs(1025));
            assertTrue(e.getMessage().contains("1..1024"), e.getMessage());
            assertEquals(2, rt.setMaxProcs(3));
            // from inside a goroutine
            assertEquals(3, (int) inGoroutine(rt, () -> rt.setMaxProcs(1)));
            assertEquals(1, rt.maxProcs());
            assertTrue(rt.schedTrace(false).contains("gomaxprocs=1 "), rt.schedTrace(false));
        }
    }

    /**
     * Shrinking and growing under load loses no goroutine: the queues of removed Ps move to the global
     * queue. Goroutines that yield keep every P's queue busy meanwhile.
     */
    @Test
    void resizingUnderLoadLosesNothing() throws Exception {
        try (GoRuntime rt = start(4)) {
            final int n = 20_000;
            LongAdder done = new LongAdder();
            AtomicBoolean resizing = new AtomicBoolean(true);
            Goroutine resizer = rt.go(() -> {
                int i = 0;
                while (resizing.get()) rt.setMaxProcs(1 + (i++ % 4));
            });
            long counted = inGoroutine(rt, () -> {
                Thread[] ts = new Thread[n];
                for (int i = 0; i < n; i++) {
                    ts[i] = rt.go(() -> {
                        Thread.yield();
                        done.increment();
                    }).thread();
                }
                for (Thread t : ts) t.join();
                return done.sum();
            });
            resizing.set(false);
            assertJoined(resizer);
            assertEquals(n, counted);
        }
    }

    /**
     * forEachP with Ps idle, running, in a syscall, blocked in an FFM call (no Go.syscall) and the
     * caller's own all at once: every P runs fn exactly once and the call returns.
     */
    @Test
    void forEachPReachesIdleRunningSyscallAndBlockedPs() throws Exception {
        try (GoRuntime rt = start(5)) {
            AtomicBoolean release = new AtomicBoolean();
            CountDownLatch ready = new CountDownLatch(3);
            Failures failures = new Failures();
            // A running P: a CPU-bound goroutine that honours preemption requests.
            Goroutine spinner = failures.go(rt, () -> {
                ready.countDown();
                while (!release.get()) Go.checkPreempt();
            });
            // A P in a syscall: a goroutine blocked in a native call inside Go.syscall.
            Goroutine sys = failures.go(rt, () -> Go.syscall(() -> {
                ready.countDown();
                while (!release.get()) SyscallTest.usleep(500);
            }));
            // A P whose M is blocked in a native call made without Go.syscall: sysmon takes it.
            Goroutine stuck = failures.go(rt, () -> {
                ready.countDown();
                while (!release.get()) SyscallTest.usleep(20_000);
            });
            assertTrue(ready.await(BOUND.toSeconds(), TimeUnit.SECONDS));
            // The caller is a goroutine (its own P), the remaining P is idle.
            ConcurrentHashMap<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
            runInGoroutine(rt, () -> rt.forEachP(id -> seen.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet()));
            release.set(true);
            assertJoined(spinner);
            assertJoined(sys);
            assertJoined(stuck);
            failures.check();
            assertEquals(5, seen.size(), "Ps that ran fn: " + seen.keySet());
            seen.forEach((id, n) -> assertEquals(1, n.get(), "P" + id + " ran fn " + n.get() + " times"));
            // and from a platform thread too
            AtomicInteger calls = new AtomicInteger();
            rt.forEachP(id -> calls.incrementAndGet());
            assertEquals(5, calls.get());
        }
    }

    @Test
    void forEachPRethrowsWhatFnThrewAfterEveryPRanIt() throws Exception {
        try (GoRuntime rt = start(3)) {
            AtomicInteger calls = new AtomicInteger();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> rt.forEachP(id -> {
                calls.incrementAndGet();
                throw new IllegalStateException("fn failed on P" + id);
            }));
            assertTrue(e.getMessage().startsWith("fn failed on P"), e.getMessage());
            assertEquals(3, calls.get());
            // the runtime still works
            assertEquals(7L, (long) inGoroutine(rt, () -> 7L));
        }
    }

    /** While the world is stopped every P is _Pgcstop; goroutines run again once it starts. */
    @Test
    void stopTheWorldStopsEveryPAndStartsAgain() throws Exception {
        try (GoRuntime rt = start(2)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong progress = new AtomicLong();
            Failures failures = new Failures();
            List<Goroutine> workers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                workers.add(failures.go(rt, () -> {
                    while (!stop.get()) {
                        progress.incrementAndGet();
                        Go.checkPreempt();
                    }
                }));
            }
            awaitOutside(() -> progress.get() > 1000, "workers running");
            String trace;
            try (WorldStop world = rt.stopTheWorld("snapshot")) {
                assertEquals("snapshot", world.reason());
                trace = rt.schedTrace(true);
            }
            assertTrue(trace.contains("gcwaiting=1"), trace);
            assertTrue(trace.contains("P0: status=3 ") && trace.contains("P1: status=3 "), trace);
            long after = progress.get();
            awaitOutside(() -> progress.get() > after + 1000, "workers running again after the world started");
            stop.set(true);
            assertAllJoined(workers);
            failures.check();
        }
    }
}
