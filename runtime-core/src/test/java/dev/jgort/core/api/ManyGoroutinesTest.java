package dev.jgort.core.api;

import dev.jgort.api.GState;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.core.api.GoTestSupport.Failures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static dev.jgort.core.api.GoTestSupport.BOUND;
import static dev.jgort.core.api.GoTestSupport.assertAllJoined;
import static dev.jgort.core.api.GoTestSupport.assertJoined;
import static dev.jgort.core.api.GoTestSupport.awaitNumGoroutine;
import static dev.jgort.core.api.GoTestSupport.inGoroutine;
import static dev.jgort.core.api.GoTestSupport.runInGoroutine;
import static dev.jgort.core.api.GoTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Counting goroutines and running very many of them: Go's TestNumGoroutine, the skynet benchmark as a
 * correctness test, and a million-goroutine spawn/join (BenchmarkCreateGoroutinesSingle's shape).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ManyGoroutinesTest {

    // Go: TestNumGoroutine (runtime.NumGoroutine counts exactly the live user goroutines: Go expects
    // "1", only main). A fresh runtime has none; N parked goroutines count N, N+1 when read from a
    // goroutine; once they have ended the count goes back to 0 (a goroutine that has just ended may be
    // counted for a moment after join() returns, as in Go, so the way back is awaited, bounded).
    @Test
    void numGoroutine_countsGoroutinesThatStartedAndHaveNotEnded() throws Exception {
        final int n = 10;
        try (GoRuntime rt = start(2)) {
            assertEquals(0, rt.stats().numGoroutine(), "a fresh runtime has no goroutines");
            Failures failures = new Failures();
            CountDownLatch started = new CountDownLatch(n);
            CountDownLatch release = new CountDownLatch(1);
            List<Goroutine> gs = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    gs.add(failures.go(rt, () -> {
                        started.countDown();
                        assertTrue(release.await(BOUND.toSeconds(), TimeUnit.SECONDS), "never released");
                    }));
                }
                assertTrue(started.await(BOUND.toSeconds(), TimeUnit.SECONDS), "the goroutines did not all start");
                assertEquals(n, rt.stats().numGoroutine(), "parked goroutines are counted (read from a platform thread)");
                assertEquals(n + 1, inGoroutine(rt, () -> rt.stats().numGoroutine()),
                        "read from a goroutine, the caller counts too");
            } finally {
                release.countDown();
            }
            assertAllJoined(gs);
            failures.check();
            awaitNumGoroutine(rt, 0);
            assertTrue(rt.stats().goroutinesCreated() >= n + 1, "goroutinesCreated() = " + rt.stats().goroutinesCreated());
        }
    }

    // skynet (Go's classic scheduler benchmark, here checked for correctness on 2 Ps): a tree of
    // 1,111,111 goroutines, 10 children per node, each node joins its children and sums their
    // results; the leaves return their number. The sum is 0 + 1 + ... + 999,999 = 499,999,500,000.
    // Nothing may be lost, run twice or left behind.
    @Test
    void skynet_1111111GoroutinesJoinBasedOnTwoPs_sumIsExact() throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures failures = new Failures();
            AtomicLong result = new AtomicLong(-1);
            Goroutine root = failures.go(rt, () -> result.set(skynet(rt, failures, 0, 1_000_000)));
            assertJoined(root);
            failures.check();
            assertEquals(499_999_500_000L, result.get());
            assertTrue(rt.stats().goroutinesCreated() >= 1_111_111,
                    "goroutinesCreated() = " + rt.stats().goroutinesCreated() + " < 1,111,111");
            awaitNumGoroutine(rt, 0);
        }
    }

    private static long skynet(GoRuntime rt, Failures failures, long num, long size) throws InterruptedException {
        if (size == 1) return num;
        long sub = size / 10;
        long[] results = new long[10];
        Goroutine[] children = new Goroutine[10];
        for (int i = 0; i < 10; i++) {
            int idx = i;
            long childNum = num + i * sub;
            children[i] = failures.go(rt, () -> results[idx] = skynet(rt, failures, childNum, sub));
        }
        long sum = 0;
        for (int i = 0; i < 10; i++) {
            children[i].join(); // Goroutine.join, like Thread.join, makes the child's writes visible
            sum += results[i];
        }
        return sum;
    }

    // One goroutine spawns 1,000,000 goroutines as fast as it can (its P's run queue overflows to the
    // global queue, other Ps steal), then joins them all: every one ran exactly once (LongAdder), every
    // handle is DEAD, goids increase in spawn order, and the live count returns to 0.
    @Test
    void spawnAndJoinOneMillionGoroutinesFromOneGoroutine_nothingLost() throws Exception {
        final int n = 1_000_000;
        try (GoRuntime rt = start(2)) {
            LongAdder ran = new LongAdder();
            Goroutine[] gs = new Goroutine[n];
            runInGoroutine(rt, () -> {
                for (int i = 0; i < n; i++) {
                    gs[i] = rt.go(ran::increment);
                }
                for (int i = 0; i < n; i++) {
                    assertTrue(gs[i].join(BOUND), "goroutine #" + i + " did not end: " + gs[i].state());
                }
                assertEquals(n, ran.sum(), "every spawned goroutine ran exactly once");
            });
            for (int i = 0; i < n; i++) {
                assertEquals(GState.DEAD, gs[i].state(), "state() of joined goroutine #" + i);
                if (i > 0 && gs[i].id() <= gs[i - 1].id()) {
                    throw new AssertionError("goids must increase: #" + (i - 1) + " has " + gs[i - 1].id()
                            + ", #" + i + " has " + gs[i].id());
                }
            }
            assertTrue(rt.stats().goroutinesCreated() >= n + 1L, "goroutinesCreated() = " + rt.stats().goroutinesCreated());
            awaitNumGoroutine(rt, 0);
        }
    }
}
