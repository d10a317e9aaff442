package dev.jgort.core.api;

import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.core.api.GoTestSupport.Failures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import static dev.jgort.core.api.GoTestSupport.BOUND;
import static dev.jgort.core.api.GoTestSupport.assertAllJoined;
import static dev.jgort.core.api.GoTestSupport.assertJoined;
import static dev.jgort.core.api.GoTestSupport.awaitInGoroutine;
import static dev.jgort.core.api.GoTestSupport.currentCarrier;
import static dev.jgort.core.api.GoTestSupport.runInGoroutine;
import static dev.jgort.core.api.GoTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Go's proc_test.go: TestGoroutineParallelism, TestGoroutineParallelism2, TestYieldProgress,
 * TestYieldLockedProgress, TestPreemption, TestYieldLocked and TestBlockLocked, through the public API.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ParallelismAndYieldTest {

    /**
     * Busy-waits (never yields: this is what makes the parallelism tests meaningful) until
     * {@code x == expected}; gives up after {@link GoTestSupport#BOUND} or when {@code abort} is set,
     * so that a scheduler without parallelism fails the test instead of spinning forever.
     */
    private static void spinUntil(IntSupplier x, int expected, AtomicBoolean abort, String who) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (x.getAsInt() != expected) {
            if (abort.get()) throw new AssertionError(who + ": aborted while waiting for x == " + expected);
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(who + ": x stayed " + x.getAsInt() + " for " + BOUND + ", expected "
                        + expected + ": the goroutine that should advance it never ran in parallel with this one");
            }
            Thread.onSpinWait();
        }
    }

    // Go: TestGoroutineParallelism. P goroutines take turns on a shared counter by spin-waiting without
    // ever yielding; with P Ps they can only finish if all P run at the same time on P threads. As in
    // Go, they are started by a goroutine that then blocks (on join), so they start on its P's run queue
    // and the other Ps must steal them.
    @Test
    void goroutineParallelism_maxProcsSpinningGoroutinesRunAtTheSameTime() throws Exception {
        for (int procs : new int[] {2, 4}) {
            goroutineParallelism(procs, 10);
        }
    }

    private static void goroutineParallelism(int procs, int tries) throws Exception {
        try (GoRuntime rt = start(procs)) {
            Failures failures = new Failures();
            AtomicBoolean abort = new AtomicBoolean();
            try {
                runInGoroutine(rt, () -> {
                    for (int attempt = 0; attempt < tries; attempt++) {
                        AtomicInteger x = new AtomicInteger();
                        List<Goroutine> gs = new ArrayList<>();
                        for (int p = 0; p < procs; p++) {
                            int me = p;
                            gs.add(failures.go(rt, () -> {
                                for (int i = 0; i < 3; i++) {
                                    int expected = procs * i + me;
                                    spinUntil(x::get, expected, abort, "spinner " + me + " of " + procs);
                                    x.set(expected + 1);
                                }
                            }));
                        }
                        assertAllJoined(gs);
                        assertEquals(3 * procs, x.get());
                    }
                });
            } finally {
                abort.set(true); // lets stuck spinners end, so close() can return
            }
            failures.check();
        }
    }

    // Go: TestGoroutineParallelism2 (load = true and load = false; the netpoll variants have no
    // counterpart). "load": first P goroutines spin until all P have run, so the Ms are warm and then
    // park. Then P goroutines, spawned in a nested fashion (P/2 parents with 2 children each, so two
    // siblings share a P's run queue), take turns on a counter by spinning: all runnable goroutines must
    // be scheduled at the same time.
    @Test
    void goroutineParallelism2_nestedSpawnedSpinnersAllRunAtTheSameTime() throws Exception {
        goroutineParallelism2(true);
        goroutineParallelism2(false);
    }

    private static void goroutineParallelism2(boolean load) throws Exception {
        final int procs = 4;
        final int tries = 10;
        try (GoRuntime rt = start(procs)) {
            Failures failures = new Failures();
            AtomicBoolean abort = new AtomicBoolean();
            try {
                runInGoroutine(rt, () -> {
                    for (int attempt = 0; attempt < tries; attempt++) {
                        if (load) {
                            AtomicInteger running = new AtomicInteger();
                            List<Goroutine> warm = new ArrayList<>();
                            for (int p = 0; p < procs; p++) {
                                warm.add(failures.go(rt, () -> {
                                    if (running.incrementAndGet() == procs) return;
                                    spinUntil(running::get, procs, abort, "load goroutine");
                                }));
                            }
                            assertAllJoined(warm);
                        }
                        AtomicInteger x = new AtomicInteger();
                        CountDownLatch done = new CountDownLatch(procs);
                        for (int p = 0; p < procs / 2; p++) {
                            int parent = p;
                            failures.go(rt, () -> {
                                for (int p2 = 0; p2 < 2; p2++) {
                                    int child = p2;
                                    failures.go(Go.runtime(), () -> {
                                        try {
                                            for (int i = 0; i < 3; i++) {
                                                int expected = procs * i + parent * 2 + child;
                                                spinUntil(x::get, expected, abort, "spinner " + parent + "." + child);
                                                x.set(expected + 1);
                                            }
                                        } finally {
                                            done.countDown();
                                        }
                                    });
                                }
                            });
                        }
                        assertTrue(done.await(BOUND.toSeconds(), TimeUnit.SECONDS),
                                "the nested spinners did not all finish (load=" + load + ", try " + attempt + ")");
                        assertEquals(3 * procs, x.get());
                    }
                });
            } finally {
                abort.set(true);
            }
            failures.check();
        }
    }

    // Go: TestYieldProgress. A goroutine that loops on Gosched() until told to stop must let the
    // goroutine that tells it run: with one P, Gosched has to give the P away. As in Go, the hand-offs
    // are unbuffered (c, cack): the yielder polls c without blocking between Gosched calls.
    @Test
    void yieldProgress_goschedLetsAnotherGoroutineRunOnOneP() throws Exception {
        yieldProgress(false);
    }

    // Go: TestYieldLockedProgress. The same with the yielding goroutine wired to its thread
    // (LockOSThread): its M must hand the only P to another M so the other goroutine can run, and get it
    // back whenever the locked goroutine is scheduled again.
    @Test
    void yieldLockedProgress_lockedGoroutineGoschedLetsAnotherGoroutineRunOnOneP() throws Exception {
        yieldProgress(true);
    }

    // Go: TestPreemption ("goroutines are preempted at function calls"). Two goroutines on one P take
    // turns on x; each waits for its turn in a loop whose only call into the runtime is go(). jgort
    // cannot preempt a running virtual thread, but go() is a call Go would preempt in (newproc's
    // prologue): once sysmon flags the waiter, its next go() yields, so the other one runs. Sysmon's
    // JVM-only hand-off of a hog's P is switched off, so nothing else can get the other goroutine onto
    // a thread. The waiter paces its go() calls (a busy wait, never a yield) so that a failing run
    // queues ~600,000 goroutines in BOUND, not hundreds of millions.
    @Test
    void preemption_aGoroutineThatOnlyStartsGoroutinesIsPreemptedInGo() throws Exception {
        final int turns = 5;
        final long paceNanos = TimeUnit.MICROSECONDS.toNanos(100);
        try (GoRuntime rt = GoRuntime.start(GoTestSupport.config(1).withMaxOversubscription(0))) {
            Failures failures = new Failures();
            AtomicInteger x = new AtomicInteger();
            AtomicBoolean abort = new AtomicBoolean();
            List<Goroutine> gs = new ArrayList<>();
            for (int g = 0; g < 2; g++) {
                int me = g;
                gs.add(failures.go(rt, () -> {
                    long deadline = System.nanoTime() + BOUND.toNanos();
                    for (int i = 0; i < turns && !abort.get(); i++) {
                        while (x.get() != me && !abort.get()) {
                            if (System.nanoTime() - deadline > 0) {
                                abort.set(true);
                                throw new AssertionError("goroutine " + me + " waited " + BOUND + " for turn " + i
                                        + ": starting goroutines never let the other goroutine run");
                            }
                            rt.go(() -> { });
                            for (long t0 = System.nanoTime(); System.nanoTime() - t0 < paceNanos; ) {
                                Thread.onSpinWait();
                            }
                        }
                        x.set(1 - me);
                    }
                }));
            }
            assertAllJoined(gs);
            failures.check();
        }
    }

    private static void yieldProgress(boolean locked) throws Exception {
        try (GoRuntime rt = start(1)) {
            Failures failures = new Failures();
            SynchronousQueue<Boolean> c = new SynchronousQueue<>();
            SynchronousQueue<Boolean> cack = new SynchronousQueue<>();
            AtomicBoolean yielding = new AtomicBoolean();
            Goroutine yielder = failures.go(rt, () -> {
                if (locked) Go.lockOSThread();
                yielding.set(true);
                long deadline = System.nanoTime() + BOUND.toNanos();
                while (c.poll() == null) { // select { case <-c: ... default: Gosched() }
                    if (System.nanoTime() - deadline > 0) {
                        throw new AssertionError("the other goroutine never sent on c while this one yielded");
                    }
                    Go.gosched();
                }
                assertTrue(cack.offer(true, BOUND.toSeconds(), TimeUnit.SECONDS), "nobody received the ack");
            });
            Goroutine other = failures.go(rt, () -> {
                awaitInGoroutine(yielding::get, "the yielder to start yielding");
                assertTrue(c.offer(true, BOUND.toSeconds(), TimeUnit.SECONDS),
                        "the yielding goroutine never polled c again: Gosched did not let it run again");
                assertEquals(Boolean.TRUE, cack.poll(BOUND.toSeconds(), TimeUnit.SECONDS), "no ack from the yielder");
            });
            assertJoined(other);
            assertJoined(yielder);
            failures.check();
        }
    }

    // Go: TestYieldLocked. A locked goroutine yields and sleeps repeatedly on one P and exits still
    // locked (UnlockOSThread deliberately omitted). The Thread.sleep(1) is Go's workload (time.Sleep:
    // the locked goroutine parks on a timer and is woken from outside), not synchronization. Added: the
    // goroutine stays on its thread throughout.
    @Test
    void yieldLocked_lockedGoroutineYieldsAndSleepsOnOnePAndStaysOnItsThread() throws Exception {
        final int n = 10;
        try (GoRuntime rt = start(1)) {
            Failures failures = new Failures();
            Goroutine g = failures.go(rt, () -> {
                Go.lockOSThread();
                Thread mine = currentCarrier();
                for (int i = 0; i < n; i++) {
                    Go.gosched();
                    assertSame(mine, currentCarrier(), "a locked goroutine moved to another thread after Gosched");
                    Thread.sleep(1);
                    assertSame(mine, currentCarrier(), "a locked goroutine moved to another thread after sleep");
                }
                // Go.unlockOSThread() deliberately omitted, as in Go.
            });
            assertJoined(g);
            failures.check();
            // The runtime's only P survived the locked goroutine's exit.
            runInGoroutine(rt, () -> {});
        }
    }

    // Go: TestBlockLocked. A locked goroutine sends N times on an unbuffered hand-off to another
    // goroutine, blocking every time; with one P, its M must hand the P to the receiver's M and get it
    // back. Added: the locked goroutine stays on its thread throughout.
    @Test
    void blockLocked_lockedGoroutineBlocksRepeatedlyOnHandoffToAnotherGoroutine() throws Exception {
        final int n = 100;
        try (GoRuntime rt = start(1)) {
            Failures failures = new Failures();
            SynchronousQueue<Integer> c = new SynchronousQueue<>();
            Goroutine sender = failures.go(rt, () -> lockedSender(c, n));
            Goroutine receiver = failures.go(rt, () -> {
                for (int i = 0; i < n; i++) {
                    assertEquals(Integer.valueOf(i), c.poll(BOUND.toSeconds(), TimeUnit.SECONDS), "receive #" + i);
                }
            });
            assertJoined(receiver);
            assertJoined(sender);
            failures.check();
        }
    }

    // Go: TestBlockLocked with the receiver outside the runtime (Go's receiver is the test's main
    // goroutine): every wake-up of the locked goroutine comes from a platform thread.
    @Test
    void blockLocked_lockedGoroutineBlocksRepeatedlyOnHandoffToAPlatformThread() throws Exception {
        final int n = 100;
        try (GoRuntime rt = start(1)) {
            Failures failures = new Failures();
            SynchronousQueue<Integer> c = new SynchronousQueue<>();
            Goroutine sender = failures.go(rt, () -> lockedSender(c, n));
            for (int i = 0; i < n; i++) {
                assertEquals(Integer.valueOf(i), c.poll(BOUND.toSeconds(), TimeUnit.SECONDS), "receive #" + i);
            }
            assertJoined(sender);
            failures.check();
        }
    }

    private static void lockedSender(SynchronousQueue<Integer> c, int n) throws InterruptedException {
        Go.lockOSThread();
        Thread mine = currentCarrier();
        for (int i = 0; i < n; i++) {
            assertTrue(c.offer(i, BOUND.toSeconds(), TimeUnit.SECONDS), "nobody received #" + i);
            assertSame(mine, currentCarrier(), "a locked goroutine moved to another thread after blocking");
        }
        Go.unlockOSThread();
    }
}
