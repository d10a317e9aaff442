package dev.jgort.core.api;

import dev.jgort.api.DeadlockException;
import dev.jgort.api.GState;
import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.api.RuntimeConfig;
import dev.jgort.chan.Chan;
import dev.jgort.core.api.GoTestSupport.Failures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static dev.jgort.core.api.GoTestSupport.BOUND;
import static dev.jgort.core.api.GoTestSupport.assertJoined;
import static dev.jgort.core.api.GoTestSupport.awaitOutside;
import static dev.jgort.core.api.GoTestSupport.awaitState;
import static dev.jgort.core.api.GoTestSupport.config;
import static dev.jgort.core.api.GoTestSupport.releaseOnceClosing;
import static dev.jgort.core.api.GoTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GoRuntime#close()}, {@link GoRuntime#shutdownNow()} and deadlock detection (Go's
 * {@code checkdead}: "all goroutines are asleep - deadlock!").
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CloseAndDeadlockTest {

    /** A grace long enough that a slow machine never turns a short all-asleep moment into a report. */
    private static final Duration LONG_GRACE = Duration.ofSeconds(30);

    // close() waits for every goroutine: here one is parked when close() begins and is woken from a
    // platform thread only once close() has begun; it then starts another goroutine (allowed from inside
    // while close() waits). Both have finished when close() returns. Afterwards go() is rejected.
    @Test
    @SuppressWarnings("try") // closes explicitly to test close(); the implicit second close() must be harmless
    void close_waitsForGoroutinesReleasedAfterCloseBeganAndForTheGoroutinesTheyStart() throws Exception {
        try (GoRuntime rt = GoRuntime.start(config(2).withDeadlockGrace(LONG_GRACE))) {
            Failures failures = new Failures();
            CountDownLatch parked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger completed = new AtomicInteger();
            Goroutine g = failures.go(rt, () -> {
                parked.countDown();
                assertTrue(release.await(BOUND.toSeconds(), TimeUnit.SECONDS), "never released");
                Go.runtime().go(failures.guard(completed::incrementAndGet));
                completed.incrementAndGet();
            });
            assertTrue(parked.await(BOUND.toSeconds(), TimeUnit.SECONDS));
            assertFalse(rt.isClosed());
            Thread releaser = releaseOnceClosing(rt, release);
            rt.close();
            assertTrue(rt.isClosed());
            assertEquals(2, completed.get(), "close() returned before every goroutine had ended");
            assertEquals(GState.DEAD, g.state());
            assertTrue(releaser.join(BOUND));
            failures.check();
        }
    }

    // After close(), go() throws RejectedExecutionException (both forms), and nothing runs.
    @Test
    @SuppressWarnings("try") // closes explicitly to test close(); the implicit second close() must be harmless
    void go_afterCloseIsRejected() throws Exception {
        try (GoRuntime rt = start(2)) {
            rt.close();
            assertTrue(rt.isClosed());
            AtomicBoolean ran = new AtomicBoolean();
            assertThrows(RejectedExecutionException.class, () -> rt.go(() -> ran.set(true)));
            assertThrows(RejectedExecutionException.class, () -> rt.go("late", () -> ran.set(true)));
            assertFalse(ran.get());
        }
    }

    // executor() never drops a task silently: once the runtime is closed, execute() and submit() throw
    // RejectedExecutionException (on an executor obtained before close(), and on one asked for after).
    @Test
    @SuppressWarnings("try") // closes explicitly to test close(); the implicit second close() must be harmless
    void executor_afterCloseRejectsInsteadOfDropping() throws Exception {
        try (GoRuntime rt = start(2)) {
            ExecutorService ex = rt.executor();
            rt.close();
            AtomicBoolean ran = new AtomicBoolean();
            assertThrows(RejectedExecutionException.class, () -> ex.execute(() -> ran.set(true)));
            assertThrows(RejectedExecutionException.class, () -> ex.submit(() -> ran.set(true)));
            assertThrows(RejectedExecutionException.class, () -> rt.executor().execute(() -> ran.set(true)));
            assertFalse(ran.get());
        }
    }

    /** A goroutine parked on a latch nobody counts down; it counts an interrupt and ends. */
    private static Goroutine parkedForever(GoRuntime rt, AtomicInteger interrupted) {
        Goroutine g = rt.go(() -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
            }
        });
        awaitState(g, GState.WAITING);
        return g;
    }

    // shutdownNow(): interrupts every goroutine, then closes; goroutines that end on interrupt have
    // ended when it returns.
    @Test
    void shutdownNow_interruptsParkedGoroutinesAndWaitsForThem() throws Exception {
        try (GoRuntime rt = GoRuntime.start(config(2).withDeadlockGrace(LONG_GRACE))) {
            AtomicInteger interrupted = new AtomicInteger();
            Goroutine a = parkedForever(rt, interrupted);
            Goroutine b = parkedForever(rt, interrupted);
            rt.shutdownNow();
            assertTrue(rt.isClosed());
            assertEquals(2, interrupted.get(), "shutdownNow() returned before the interrupted goroutines ended");
            assertEquals(GState.DEAD, a.state());
            assertEquals(GState.DEAD, b.state());
        }
    }

    // Go: checkdead. Two goroutines parked forever with nothing that can wake them: close() throws
    // DeadlockException after the grace period, with Go's message and one entry per goroutine naming its
    // id. The state it leaves is defined (issue 11, item 4): the report was taken while they were
    // stuck, then they were interrupted and have ended, the runtime is closed and none of its threads
    // is left (a caller under try-with-resources has no handle to clean up with).
    @Test
    void deadlock_closeReportsThenInterruptsTheStuckGoroutinesAndStopsItsThreads() throws Exception {
        GoRuntime rt = GoRuntime.start(config(2).withDeadlockGrace(Duration.ofMillis(300)));
        AtomicInteger interrupted = new AtomicInteger();
        Goroutine a = parkedForever(rt, interrupted);
        Goroutine b = parkedForever(rt, interrupted);
        String prefix = threadPrefix(rt);
        assertFalse(threadsNamed(prefix).isEmpty(), "no thread of " + rt + " is named " + prefix + "...");

        DeadlockException e = assertThrows(DeadlockException.class, rt::close);
        String msg = e.getMessage();
        assertTrue(msg.startsWith(DeadlockException.PREFIX), msg);
        assertEquals(2, e.goroutines());
        for (Goroutine g : List.of(a, b)) {
            assertTrue(Pattern.compile("\\bgoroutine[ -]" + g.id() + "\\b").matcher(msg).find(),
                    "the report does not name goroutine " + g.id() + ":\n" + msg);
            assertTrue(msg.contains("CountDownLatch.await"), "the report shows the stacks as they were stuck:\n" + msg);
        }
        assertEquals(0, e.getSuppressed().length, "both goroutines end on their interrupt");

        assertTrue(rt.isClosed());
        assertEquals(GState.DEAD, a.state());
        assertEquals(GState.DEAD, b.state());
        assertEquals(2, interrupted.get(), "close() interrupts the goroutines it reported");
        assertEquals(0, rt.stats().numGoroutine());
        awaitOutside(() -> threadsNamed(prefix).isEmpty(), "the threads of " + rt + " to end: " + threadsNamed(prefix));
        assertDoesNotThrow(rt::close, "a second close() finds nothing left");
    }

    // Issue 11, item 1: a goroutine fed from a platform thread every 400 ms (2.4 s in all) is asleep at
    // every 10 ms look of close(), yet healthy: each wake-up is progress, which restarts the 1 s grace.
    // (The feeder's sleep is the workload: a producer outside the runtime.)
    @Test
    void deadlock_aGoroutineFedFromOutsideSlowerThanTheLooksIsNotADeadlock() throws Exception {
        try (GoRuntime rt = GoRuntime.start(config(2))) {
            assertEquals(Duration.ofSeconds(1), rt.config().deadlockGrace());
            Failures failures = new Failures();
            LinkedBlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
            AtomicInteger taken = new AtomicInteger();
            failures.go(rt, () -> {
                for (int i = 0; i < 6; i++) {
                    assertEquals(i, queue.take());
                    taken.incrementAndGet();
                }
            });
            Thread feeder = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 6; i++) {
                        Thread.sleep(400);
                        queue.add(i);
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError("feeder interrupted", e);
                }
            });
            assertDoesNotThrow(rt::close, "a goroutine woken every 400 ms was reported as a deadlock");
            assertEquals(6, taken.get());
            assertTrue(feeder.join(BOUND));
            failures.check();
        }
    }

    // Issue 11, item 5: continuous detection reports a deadlock as it happens, once per episode, and
    // leaves the runtime and its goroutines as they are; a goroutine that runs again ends the episode,
    // and a new deadlock is reported again.
    @Test
    void deadlockDetection_reportsEachDeadlockOnceWithoutClosing() throws Exception {
        LinkedBlockingQueue<String> reports = new LinkedBlockingQueue<>();
        AtomicInteger received = new AtomicInteger();
        RuntimeConfig cfg = config(2).withDeadlockGrace(Duration.ofMillis(200))
                .withDeadlockDetection(e -> reports.add(received.get() + ":" + e.goroutines() + ":" + e.getMessage()));
        try (GoRuntime rt = GoRuntime.start(cfg)) {
            Failures failures = new Failures();
            Chan<Integer> c = Chan.make();
            Goroutine g = failures.go(rt, () -> {
                c.recv();
                received.incrementAndGet();
                c.recv();
                received.incrementAndGet();
            });
            String first = reports.poll(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(first, "no deadlock report within " + BOUND);
            assertTrue(first.startsWith("0:1:" + DeadlockException.PREFIX), first);
            assertTrue(first.contains("goroutine " + g.id() + " [chan receive"), first);
            assertFalse(rt.isClosed());
            assertEquals(GState.WAITING, g.state(), "the goroutine is left as it is");

            c.send(1); // from outside: the goroutine runs again, then blocks on its second receive
            String second = reports.poll(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(second, "the second deadlock was not reported");
            assertTrue(second.startsWith("1:1:"), "one report per episode; got, after the first: " + second);

            c.send(2);
            assertJoined(g);
            failures.check();
        }
        assertTrue(reports.isEmpty(), "reports after the goroutine ended: " + reports);
    }

    /** The prefix of the names of {@code rt}'s threads (Ms, sysmon): {@code jgort<id>-}. */
    private static String threadPrefix(GoRuntime rt) {
        var m = Pattern.compile("^jgort runtime (\\d+) ").matcher(rt.toString());
        assertTrue(m.find(), "runtime id in " + rt);
        return "jgort" + m.group(1) + "-";
    }

    private static List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(Thread::getName).filter(n -> n.startsWith(prefix)).toList();
    }

    // Not a deadlock: a goroutine sleeping (a timer will wake it) longer than the grace period. close()
    // waits for it and returns normally.
    @Test
    void deadlock_sleepingGoroutineIsNotADeadlock() throws Exception {
        try (GoRuntime rt = GoRuntime.start(config(2).withDeadlockGrace(Duration.ofMillis(300)))) {
            Failures failures = new Failures();
            AtomicBoolean woke = new AtomicBoolean();
            Goroutine g = failures.go(rt, () -> {
                Thread.sleep(1500); // the workload: asleep on a timer for 5x the grace period
                woke.set(true);
            });
            awaitState(g, GState.WAITING);
            assertDoesNotThrow(rt::close, "a sleeping goroutine was reported as a deadlock");
            assertTrue(woke.get(), "close() returned before the sleeping goroutine ended");
            assertEquals(GState.DEAD, g.state());
            failures.check();
        }
    }

    // Not a deadlock: a parked goroutine that a platform thread wakes within the grace period. (The
    // platform thread's sleep is the workload: something outside the runtime that takes a while.)
    @Test
    void deadlock_goroutineWokenFromOutsideWithinTheGraceIsNotADeadlock() throws Exception {
        try (GoRuntime rt = GoRuntime.start(config(2).withDeadlockGrace(Duration.ofSeconds(3)))) {
            Failures failures = new Failures();
            CountDownLatch latch = new CountDownLatch(1);
            AtomicBoolean woke = new AtomicBoolean();
            Goroutine g = failures.go(rt, () -> {
                assertTrue(latch.await(BOUND.toSeconds(), TimeUnit.SECONDS), "never woken");
                woke.set(true);
            });
            awaitState(g, GState.WAITING);
            Thread waker = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ignored) {
                    // wake it all the same
                } finally {
                    latch.countDown();
                }
            });
            assertDoesNotThrow(rt::close, "a goroutine about to be woken from outside was reported as a deadlock");
            assertTrue(woke.get(), "close() returned before the goroutine ended");
            assertTrue(waker.join(BOUND));
            failures.check();
        }
    }
}
