package dev.jgort.core.api;

import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.core.api.GoTestSupport.Failures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.jgort.core.api.GoTestSupport.BOUND;
import static dev.jgort.core.api.GoTestSupport.awaitNumGoroutine;
import static dev.jgort.core.api.GoTestSupport.config;
import static dev.jgort.core.api.GoTestSupport.releaseOnceClosing;
import static dev.jgort.core.api.GoTestSupport.inGoroutine;
import static dev.jgort.core.api.GoTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Goroutines made through JDK APIs: virtual threads created inside a goroutine, the runtime's
 * {@link GoRuntime#threadFactory()} and {@link GoRuntime#executor()}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JdkThreadsInteropTest {

    /** What a piece of code sees about itself. */
    record Seen(boolean inGoroutine, GoRuntime runtime, long goid, boolean virtual) {
        static Seen here() {
            boolean in = Go.inGoroutine();
            return new Seen(in, in ? Go.runtime() : null, in ? Go.goid() : -1, Thread.currentThread().isVirtual());
        }
    }

    private static void assertGoroutineOf(GoRuntime rt, Seen seen, String what) {
        assertNotNull(seen, what + " did not run");
        assertTrue(seen.virtual(), what + " is not a virtual thread");
        assertTrue(seen.inGoroutine(), what + ": Go.inGoroutine() is false");
        assertSame(rt, seen.runtime(), what + ": Go.runtime() is not the runtime it was started in");
        assertTrue(seen.goid() >= 1, what + ": goid " + seen.goid());
    }

    // A virtual thread created inside a goroutine with Thread.ofVirtual() (and one created inside that
    // one), or by Executors.newVirtualThreadPerTaskExecutor(), inherits the goroutine's scheduler: it is
    // a goroutine of the same runtime, with its own goid.
    @Test
    void virtualThreadsCreatedInsideAGoroutine_areGoroutinesOfTheSameRuntime() throws Exception {
        try (GoRuntime rt = start(2)) {
            List<Seen> seen = inGoroutine(rt, () -> {
                List<Seen> out = new ArrayList<>();
                out.add(Seen.here());

                AtomicReference<Seen> child = new AtomicReference<>();
                AtomicReference<Seen> grandchild = new AtomicReference<>();
                Thread t = Thread.ofVirtual().start(() -> {
                    child.set(Seen.here());
                    Thread gt = Thread.ofVirtual().start(() -> grandchild.set(Seen.here()));
                    try {
                        assertTrue(gt.join(BOUND), "grandchild did not end");
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                assertTrue(t.join(BOUND), "Thread.ofVirtual() child did not end");
                out.add(child.get());
                out.add(grandchild.get());

                try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<Seen>> fs = new ArrayList<>();
                    for (int i = 0; i < 10; i++) fs.add(ex.submit(Seen::here));
                    for (Future<Seen> f : fs) out.add(f.get(BOUND.toSeconds(), TimeUnit.SECONDS));
                }
                return out;
            });
            assertEquals(13, seen.size());
            Set<Long> goids = new HashSet<>();
            for (int i = 0; i < seen.size(); i++) {
                String what = i == 0 ? "the parent goroutine" : i == 1 ? "the Thread.ofVirtual() child"
                        : i == 2 ? "the grandchild" : "executor task #" + (i - 3);
                assertGoroutineOf(rt, seen.get(i), what);
                assertTrue(goids.add(seen.get(i).goid()), what + " shares goid " + seen.get(i).goid());
            }
        }
    }

    // Such virtual threads are counted by numGoroutine() while they are parked, even after the
    // goroutine that made them has ended, and close() waits for them: here they are released only after
    // close() has begun, and they have all finished when it returns.
    @Test
    @SuppressWarnings("try") // closes explicitly to test close(); the implicit second close() must be harmless
    void virtualThreadsCreatedInsideAGoroutine_areCountedAndAwaitedByClose() throws Exception {
        final int k = 5;
        // A long grace: between close() beginning and the release below every goroutine is asleep,
        // and that must not be reported as a deadlock on a slow machine.
        try (GoRuntime rt = GoRuntime.start(config(2).withDeadlockGrace(Duration.ofSeconds(30)))) {
            CountDownLatch started = new CountDownLatch(k);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger finished = new AtomicInteger();
            Failures failures = new Failures();
            int countInside = inGoroutine(rt, () -> {
                for (int i = 0; i < k; i++) {
                    Thread.ofVirtual().start(failures.guard(() -> {
                        started.countDown();
                        assertTrue(release.await(BOUND.toSeconds(), TimeUnit.SECONDS), "never released");
                        finished.incrementAndGet();
                    }));
                }
                assertTrue(started.await(BOUND.toSeconds(), TimeUnit.SECONDS), "the virtual threads did not all start");
                return rt.stats().numGoroutine();
            });
            assertEquals(k + 1, countInside, "the parent goroutine and its parked virtual threads");
            // The parent has ended; its children, parked, are still goroutines of the runtime.
            awaitNumGoroutine(rt, k);

            Thread releaser = releaseOnceClosing(rt, release);
            rt.close();
            assertEquals(k, finished.get(), "close() returned before the virtual threads made in a goroutine finished");
            assertTrue(releaser.join(BOUND));
            failures.check();
        }
    }

    // threadFactory(): an unstarted goroutine as a Thread. It is a virtual thread in state NEW, not yet
    // counted as a goroutine; once started it runs as a goroutine of the runtime. The factory also
    // serves JDK executors (Executors.newThreadPerTaskExecutor), one goroutine per task.
    @Test
    void threadFactory_makesUnstartedGoroutinesThatRunAsGoroutinesOfTheRuntime() throws Exception {
        try (GoRuntime rt = start(2)) {
            ThreadFactory tf = rt.threadFactory();
            AtomicReference<Seen> seen = new AtomicReference<>();
            Thread t = tf.newThread(() -> seen.set(Seen.here()));
            assertNotNull(t);
            assertTrue(t.isVirtual(), "threadFactory() must make virtual threads");
            assertEquals(Thread.State.NEW, t.getState());
            assertEquals(0, rt.stats().numGoroutine(), "an unstarted goroutine (IDLE) is not counted");
            t.start();
            assertTrue(t.join(BOUND), "the thread from threadFactory() did not end");
            assertGoroutineOf(rt, seen.get(), "a thread from threadFactory()");

            Set<Long> goids = new HashSet<>();
            try (ExecutorService ex = Executors.newThreadPerTaskExecutor(tf)) {
                List<Future<Seen>> fs = new ArrayList<>();
                for (int i = 0; i < 10; i++) fs.add(ex.submit(Seen::here));
                for (Future<Seen> f : fs) {
                    Seen s = f.get(BOUND.toSeconds(), TimeUnit.SECONDS);
                    assertGoroutineOf(rt, s, "a task of newThreadPerTaskExecutor(threadFactory())");
                    assertTrue(goids.add(s.goid()), "two tasks share goid " + s.goid());
                }
            }
            assertFalse(goids.contains(seen.get().goid()));
        }
    }

    // executor(): every task runs in a goroutine of its own (distinct goids); invokeAll works;
    // shutting the executor down follows the ExecutorService contract and does not close the runtime.
    @Test
    void executor_runsEachTaskInItsOwnGoroutineAndShutdownDoesNotCloseTheRuntime() throws Exception {
        try (GoRuntime rt = start(2)) {
            ExecutorService ex = rt.executor();
            List<Callable<Seen>> tasks = new ArrayList<>();
            for (int i = 0; i < 20; i++) tasks.add(Seen::here);
            List<Future<Seen>> fs = ex.invokeAll(tasks);
            assertEquals(20, fs.size());
            Set<Long> goids = new HashSet<>();
            for (Future<Seen> f : fs) {
                assertTrue(f.isDone(), "invokeAll returned before a task was done");
                Seen s = f.get();
                assertGoroutineOf(rt, s, "an executor() task");
                assertTrue(goids.add(s.goid()), "two executor() tasks ran in the same goroutine " + s.goid());
            }

            CountDownLatch ran = new CountDownLatch(1);
            ex.execute(ran::countDown);
            assertTrue(ran.await(BOUND.toSeconds(), TimeUnit.SECONDS), "execute() did not run the task");

            ex.shutdown();
            assertTrue(ex.isShutdown());
            assertTrue(ex.awaitTermination(BOUND.toSeconds(), TimeUnit.SECONDS));
            assertThrows(RejectedExecutionException.class, () -> ex.execute(() -> {}),
                    "a shut-down executor must reject tasks");

            assertFalse(rt.isClosed(), "shutting down executor() closed the runtime");
            long goid = inGoroutine(rt, Go::goid);
            assertTrue(goid >= 1, "goid " + goid);
        }
    }
}
