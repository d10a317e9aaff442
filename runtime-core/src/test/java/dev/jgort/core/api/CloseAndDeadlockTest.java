package dev.jgort.core.api;

import dev.jgort.api.DeadlockException;
import dev.jgort.api.GState;
import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.core.api.GoTestSupport.Failures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static dev.jgort.core.api.GoTestSupport.BOUND;
import static dev.jgort.core.api.GoTestSupport.assertJoined;
import static dev.jgort.core.api.GoTestSupport.awaitState;
import static dev.jgort.core.api.GoTestSupport.config;
import static dev.jgort.core.api.GoTestSupport.releaseOnceClosing;
import static dev.jgort.core.api.GoTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    // id; the runtime stays usable, so shutdownNow() can interrupt them and finish.
    @Test
    void deadlock_goroutinesParkedForeverAreReportedByClose() throws Exception {
        try (GoRuntime rt = GoRuntime.start(config(2).withDeadlockGrace(Duration.ofMillis(300)))) {
            AtomicInteger interrupted = new AtomicInteger();
            Goroutine a = parkedForever(rt, interrupted);
            Goroutine b = parkedForever(rt, interrupted);

            DeadlockException e = assertThrows(DeadlockException.class, rt::close);
            String msg = e.getMessage();
            assertTrue(msg.startsWith("all goroutines are asleep - deadlock!"), msg);
            assertTrue(msg.startsWith(DeadlockException.PREFIX), msg);
            assertEquals(2, e.goroutines());
            for (Goroutine g : List.of(a, b)) {
                assertTrue(Pattern.compile("\\bgoroutine[ -]" + g.id() + "\\b").matcher(msg).find(),
                        "the report does not name goroutine " + g.id() + ":\n" + msg);
            }

            rt.shutdownNow();
            assertJoined(a);
            assertJoined(b);
            assertEquals(2, interrupted.get());
        }
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
