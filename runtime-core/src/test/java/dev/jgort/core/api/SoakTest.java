package dev.jgort.core.api;

import dev.jgort.api.DeadlockException;
import dev.jgort.api.Go;
import dev.jgort.api.GState;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.api.RuntimeStats;
import dev.jgort.chan.Chan;
import dev.jgort.chan.Select;
import dev.jgort.chan.Timer;
import dev.jgort.core.api.GoTestSupport.Failures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import static dev.jgort.core.api.GoTestSupport.BOUND;
import static dev.jgort.core.api.GoTestSupport.awaitState;
import static dev.jgort.core.api.GoTestSupport.config;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded soak (issue 11): for {@code -Djgort.soak.seconds} (default 10) a healthy mix runs at once
 * — spawn storms joined by latches, channel pipelines whose stages select on data, quit and timeouts,
 * {@code Timer.afterFunc}, {@code Go.syscall}, {@code lockOSThread} (some goroutines end locked, taking
 * their thread), GOMAXPROCS changing, {@code forEachP} and stop-the-world from outside — and then
 * every goroutine is accounted for: each one the runtime created ran to its end, counted exactly by
 * the test and by {@code RuntimeStats}, and {@code close()} finds no deadlock. A second phase strands
 * goroutines on purpose (channels, {@code select {}}, parks) and {@code shutdownNow()} ends them all.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SoakTest {
    private static final long SECONDS = Long.getLong("jgort.soak.seconds", 10);

    /** Every goroutine body the test starts runs through this: counted when it starts and when it ends. */
    private static final class Ledger {
        final LongAdder started = new LongAdder(), ended = new LongAdder();

        Runnable counted(Failures failures, GoTestSupport.Body body) {
            Runnable guarded = failures.guard(body);
            return () -> {
                started.increment();
                try {
                    guarded.run();
                } finally {
                    ended.increment();
                }
            };
        }
    }

    @Test
    void aHealthyMixRunsForItsTimeAndEveryGoroutineIsAccountedFor() throws Exception {
        Failures failures = new Failures();
        Ledger ledger = new Ledger();
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder storms = new LongAdder(), messages = new LongAdder(), timeouts = new LongAdder(),
                syscalls = new LongAdder(), locked = new LongAdder(), afterFuncs = new LongAdder();
        GoRuntime rt = GoRuntime.start(config(2));
        long createdBefore = rt.stats().goroutinesCreated();
        int drivers = 0;
        CountDownLatch driversDone = new CountDownLatch(5);

        // Spawn storms: 500 children at a time, joined by a latch; every tenth child spawns one more.
        rt.go(ledger.counted(failures, () -> {
            try {
                while (!stop.get()) {
                    CountDownLatch storm = new CountDownLatch(500 + 50);
                    for (int i = 0; i < 500; i++) {
                        boolean spawns = i % 10 == 0;
                        rt.go(ledger.counted(failures, () -> {
                            if (spawns) rt.go(ledger.counted(failures, storm::countDown));
                            storm.countDown();
                        }));
                    }
                    assertTrue(storm.await(BOUND.toSeconds(), TimeUnit.SECONDS), "a spawn storm did not finish");
                    storms.increment();
                }
            } finally {
                driversDone.countDown();
            }
        }));
        drivers++;

        // A pipeline: producer -> stage -> consumer over unbuffered channels; the stage selects on its
        // input, a quit channel and a short timeout (which fires when the producer is slow).
        Chan<Integer> in = Chan.make(), out = Chan.make(4);
        Chan<Boolean> quit = Chan.make();
        rt.go(ledger.counted(failures, () -> {
            try {
                for (int i = 0; !stop.get(); i++) in.send(i);
            } finally {
                quit.close();
                driversDone.countDown();
            }
        }));
        drivers++;
        rt.go(ledger.counted(failures, () -> {
            boolean[] done = {false};
            while (!done[0]) {
                new Select()
                        .recv(in, v -> out.send(v * 2))
                        .recvOk(quit, (v, ok) -> done[0] = true)
                        .recv(Timer.after(Duration.ofMillis(2)), t -> timeouts.increment())
                        .select();
            }
            out.close();
        }));
        rt.go(ledger.counted(failures, () -> {
            long expect = 0;
            for (Integer v : out) {
                assertEquals(expect, v.longValue(), "the pipeline lost or reordered a value");
                expect += 2;
                messages.increment();
            }
        }));

        // System calls and timers' functions: a goroutine that blocks its carrier in Go.syscall, and
        // arms afterFunc timers whose functions are goroutines too (counted by the ledger).
        rt.go(ledger.counted(failures, () -> {
            try {
                SplittableRandom r = new SplittableRandom(1);
                while (!stop.get()) {
                    Go.syscall(() -> LockSupport.parkNanos(50_000 + r.nextInt(200_000))); // the workload: a blocking call
                    syscalls.increment();
                    if (r.nextInt(8) == 0) {
                        CountDownLatch fired = new CountDownLatch(1);
                        Timer.afterFunc(Duration.ofMillis(r.nextInt(3)), ledger.counted(failures, () -> {
                            afterFuncs.increment();
                            fired.countDown();
                        }));
                        assertTrue(fired.await(BOUND.toSeconds(), TimeUnit.SECONDS), "an afterFunc never ran");
                    }
                }
            } finally {
                driversDone.countDown();
            }
        }));
        drivers++;

        // LockOSThread: goroutines that lock, yield, and unlock, or end while locked (their M exits).
        rt.go(ledger.counted(failures, () -> {
            try {
                for (int i = 0; !stop.get(); i++) {
                    boolean endLocked = i % 4 == 0;
                    CountDownLatch one = new CountDownLatch(1);
                    rt.go(ledger.counted(failures, () -> {
                        try {
                            Go.lockOSThread();
                            Go.gosched();
                            Thread.yield();
                            if (!endLocked) Go.unlockOSThread();
                            locked.increment();
                        } finally {
                            one.countDown();
                        }
                    }));
                    assertTrue(one.await(BOUND.toSeconds(), TimeUnit.SECONDS), "a locked goroutine did not finish");
                }
            } finally {
                driversDone.countDown();
            }
        }));
        drivers++;

        // From outside the runtime: GOMAXPROCS 1..4, forEachP and stop-the-world, back to back.
        Thread outside = failures.thread(() -> {
            try {
                for (int i = 0; !stop.get(); i++) {
                    rt.setMaxProcs(1 + i % 4);
                    rt.forEachP(id -> { });
                    if (i % 8 == 0) {
                        try (var w = rt.stopTheWorld("soak")) {
                            assertEquals("soak", w.reason());
                            assertTrue(rt.stats().maxProcs() >= 1);
                        }
                    }
                    LockSupport.parkNanos(1_000_000); // the workload's pace: a change a millisecond
                }
                rt.setMaxProcs(2);
            } finally {
                driversDone.countDown();
            }
        });
        drivers++;
        assertEquals(drivers, driversDone.getCount());

        // The soak's length is the workload, not a synchronization: stop after it and wait for all.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        while (System.nanoTime() - end < 0 && failures.isEmpty()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        stop.set(true);
        assertTrue(driversDone.await(BOUND.toSeconds(), TimeUnit.SECONDS), "the drivers did not stop");
        assertTrue(outside.join(BOUND));
        assertDoesNotThrow(rt::close, "close() of a healthy mix");
        failures.check();

        RuntimeStats st = rt.stats();
        assertEquals(0, st.numGoroutine());
        assertEquals(ledger.started.sum(), ledger.ended.sum(), "goroutines started but not ended");
        assertEquals(ledger.started.sum(), st.goroutinesCreated() - createdBefore,
                "the runtime created goroutines the test did not start, or lost some");
        assertTrue(storms.sum() > 0 && messages.sum() > 0 && syscalls.sum() > 0 && locked.sum() > 0,
                "every part ran: storms=" + storms + " messages=" + messages + " syscalls=" + syscalls
                        + " locked=" + locked + " timeouts=" + timeouts + " afterFuncs=" + afterFuncs);
        assertEquals(st.threads(), st.threadsCreated() - st.threadsExited(), st.toString());
        System.out.println("SoakTest: " + SECONDS + " s, " + ledger.ended.sum() + " goroutines, storms=" + storms
                + " messages=" + messages + " timeouts=" + timeouts + " syscalls=" + syscalls + " locked=" + locked
                + " afterFuncs=" + afterFuncs + ", " + st.threadsCreated() + " Ms made");
    }

    // The second phase: goroutines stranded on purpose in every way the first phase waits, then
    // shutdownNow(): each is interrupted out, close() within it finds no deadlock, nothing is left.
    @Test
    void shutdownNowEndsEveryStrandedGoroutine() throws Exception {
        GoRuntime rt = GoRuntime.start(config(2));
        Failures failures = new Failures();
        LongAdder interrupted = new LongAdder();
        // Nobody sends on the one, nobody receives from the other: no two of them can pair up.
        Chan<Integer> nobodySends = Chan.make(), nobodyReceives = Chan.make();
        List<Goroutine> gs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            gs.add(failures.go(rt, () -> onInterrupt(interrupted, nobodySends::recv)));
            gs.add(failures.go(rt, () -> onInterrupt(interrupted, () -> nobodyReceives.send(1))));
            gs.add(failures.go(rt, () -> onInterrupt(interrupted, () -> new Select().select()))); // Go's select {}
            gs.add(failures.go(rt, () -> onInterrupt(interrupted, () -> new Select().recv(nobodySends, v -> { })
                    .recv(Timer.after(Duration.ofHours(1)), v -> { }).select())));
        }
        int n = gs.size();
        for (Goroutine g : gs) awaitState(g, GState.WAITING);
        rt.shutdownNow();
        failures.check();
        assertEquals(n, interrupted.sum(), "every stranded goroutine saw its interrupt");
        assertEquals(0, rt.stats().numGoroutine());
        assertTrue(rt.isClosed());
    }

    private static void onInterrupt(LongAdder interrupted, GoTestSupport.Body blocked) {
        try {
            blocked.run();
        } catch (InterruptedException e) {
            interrupted.increment();
        } catch (DeadlockException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("a stranded goroutine ended otherwise", t);
        }
    }
}
