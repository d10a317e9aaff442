package dev.jgort.core.api;

import dev.jgort.api.GState;
import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.api.RuntimeConfig;
import dev.jgort.spi.WaitReason;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Shared helpers for the public-API tests of the scheduler.
 *
 * <p>Rules these helpers keep: no sleeping as synchronization (waits are latches, joins, or a condition
 * polled with {@link Thread#onSpinWait()} / {@link Go#gosched()}), and every wait has a generous bound
 * ({@link #BOUND}) so that a broken scheduler fails a test instead of hanging the build.
 */
public final class GoTestSupport {
    private GoTestSupport() {}

    /** The overall bound of any single wait in these tests. Generous: it is a hang detector, not a speed check. */
    public static final Duration BOUND = Duration.ofSeconds(60);

    /** A runtime with {@code n} Ps and otherwise default settings. */
    static RuntimeConfig config(int maxProcs) {
        return RuntimeConfig.defaults().withMaxProcs(maxProcs);
    }

    /**
     * A platform thread that counts {@code release} down once {@code rt.close()} has begun: wakes
     * goroutines from outside the runtime while close() waits for them.
     */
    static Thread releaseOnceClosing(GoRuntime rt, java.util.concurrent.CountDownLatch release) {
        return Thread.ofPlatform().start(() -> {
            try {
                awaitOutside(rt::isClosed, "close() to begin");
            } finally {
                release.countDown();
            }
        });
    }

    /** Starts a runtime with {@code n} Ps. */
    static GoRuntime start(int maxProcs) {
        return GoRuntime.start(config(maxProcs));
    }

    /** A body that may throw (latch waits, joins, queue hand-offs). */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /**
     * Collects what went wrong inside goroutines, so that an assertion failing in a goroutine fails the
     * test (a goroutine's uncaught exception would otherwise only be printed).
     */
    public static final class Failures {
        private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

        /** Wraps {@code body} so that whatever it throws is recorded. */
        public Runnable guard(Body body) {
            return () -> {
                try {
                    body.run();
                } catch (Throwable t) {
                    errors.add(t);
                }
            };
        }

        /** Starts {@code body} as a goroutine of {@code rt}, recording what it throws. */
        public Goroutine go(GoRuntime rt, Body body) {
            return rt.go(guard(body));
        }

        /** Starts {@code body} on a new platform thread, recording what it throws. */
        public Thread thread(Body body) {
            return Thread.ofPlatform().daemon().start(guard(body));
        }

        /** Whether nothing went wrong so far. */
        public boolean isEmpty() {
            return errors.isEmpty();
        }

        /** Fails the test with the first recorded error (the others attached as suppressed). */
        public void check() {
            Throwable first = errors.poll();
            if (first == null) return;
            AssertionError e = new AssertionError("failure inside a goroutine or helper thread: " + first, first);
            for (Throwable t; (t = errors.poll()) != null; ) e.addSuppressed(t);
            throw e;
        }
    }

    /**
     * Runs {@code body} in a goroutine of {@code rt}, waits for it (bounded) and returns its result;
     * whatever the body throws is rethrown here.
     */
    public static <T> T inGoroutine(GoRuntime rt, Callable<T> body) throws InterruptedException {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        Goroutine g = rt.go(() -> {
            try {
                result.set(body.call());
            } catch (Throwable t) {
                error.set(t);
            }
        });
        assertJoined(g);
        Throwable t = error.get();
        if (t instanceof Error e) throw e;
        if (t != null) throw new AssertionError("the goroutine's body threw " + t, t);
        return result.get();
    }

    /** Runs {@code body} in a goroutine of {@code rt} and waits for it (bounded); rethrows its failure. */
    static void runInGoroutine(GoRuntime rt, Body body) throws InterruptedException {
        inGoroutine(rt, () -> {
            body.run();
            return null;
        });
    }

    /** Joins {@code g} within {@link #BOUND}, failing the test if it has not ended by then. */
    public static void assertJoined(Goroutine g) throws InterruptedException {
        assertTrue(g.join(BOUND), () -> "goroutine " + g.id() + " (" + g.name() + ") did not end within "
                + BOUND + "; its state is " + g.state() + ", blocked on " + waitReason(g.thread()));
    }

    /** Joins a helper thread within {@link #BOUND}. */
    static void assertThreadJoined(Thread t) throws InterruptedException {
        assertTrue(t.join(BOUND), () -> "thread " + t.getName() + " did not end within " + BOUND
                + "; its state is " + t.getState() + ", blocked on " + waitReason(t));
    }

    /** The wait reason a thread is parked with ("chan receive", "select", ...), or null. */
    static String waitReason(Thread t) {
        return LockSupport.getBlocker(t) instanceof WaitReason r ? r.waitReason() : null;
    }

    /**
     * Waits (outside the runtime) until {@code g} is parked ({@link GState#WAITING}) in a channel
     * operation with the given wait reason: it has enqueued itself on the channel and is asleep.
     */
    static void awaitParked(Goroutine g, String reason) {
        awaitOutside(() -> g.state() == GState.WAITING && reason.equals(waitReason(g.thread())),
                "goroutine " + g.id() + " to park in \"" + reason + "\" (last seen " + g.state() + ", \""
                        + waitReason(g.thread()) + "\")");
    }

    /** Waits until the platform thread {@code t} is parked in a channel operation with the given wait reason. */
    static void awaitThreadParked(Thread t, String reason) {
        awaitOutside(() -> t.getState() == Thread.State.WAITING && reason.equals(waitReason(t)),
                "thread " + t.getName() + " to park in \"" + reason + "\" (last seen " + t.getState() + ", \""
                        + waitReason(t) + "\")");
    }

    /** Joins every goroutine within {@link #BOUND} each. */
    static void assertAllJoined(Iterable<Goroutine> gs) throws InterruptedException {
        for (Goroutine g : gs) assertJoined(g);
    }

    /**
     * Waits on a thread that is not a goroutine (the test's own thread, a helper platform thread) until
     * {@code condition} holds, polling with {@link Thread#onSpinWait()} and {@link Thread#yield()};
     * fails after {@link #BOUND}.
     */
    public static void awaitOutside(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) fail("timed out after " + BOUND + " waiting for: " + what);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /**
     * Waits inside a goroutine until {@code condition} holds, yielding the P with {@link Go#gosched()}
     * between polls (so the goroutines that must make it true can run even with one P); fails after
     * {@link #BOUND}.
     */
    static void awaitInGoroutine(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + BOUND + " waiting for: " + what);
            }
            Go.gosched();
        }
    }

    /** Waits (outside the runtime) until {@code g} is in {@code state}. */
    static void awaitState(Goroutine g, GState state) {
        awaitOutside(() -> g.state() == state, "goroutine " + g.id() + " to be " + state + " (last seen "
                + g.state() + ")");
    }

    /** Waits (outside the runtime) until {@code rt.stats().numGoroutine()} equals {@code n}. */
    static void awaitNumGoroutine(GoRuntime rt, int n) {
        awaitOutside(() -> rt.stats().numGoroutine() == n,
                "numGoroutine() to be " + n + " (last seen " + rt.stats().numGoroutine() + ")");
    }

    // ---------------------------------------------------------------------------------------------
    // Carriers (Ms). The public API has no M id: a goroutine's M is the platform thread its virtual
    // thread is mounted on. Thread.currentCarrierThread() is package-private in java.lang; jgort itself
    // needs --add-opens java.base/java.lang=ALL-UNNAMED, so the tests can read it reflectively. Where
    // that is not possible, the carrier is found by the name that VirtualThread.toString() prints
    // ("VirtualThread[#22,name]/runnable@<carrier name>").

    private static final Method CURRENT_CARRIER = currentCarrierMethod();

    private static Method currentCarrierMethod() {
        try {
            Method m = Thread.class.getDeclaredMethod("currentCarrierThread");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The name of the calling goroutine's carrier thread, as {@code Thread.toString()} prints it. */
    static String carrierName() {
        Thread t = Thread.currentThread();
        if (!t.isVirtual()) return t.getName();
        String s = t.toString();
        int afterId = s.indexOf("]/");
        int at = afterId < 0 ? -1 : s.indexOf('@', afterId);
        if (at < 0) throw new AssertionError("cannot find the carrier in \"" + s + "\" (not mounted?)");
        return s.substring(at + 1);
    }

    /** The calling goroutine's carrier (its M's thread); the thread itself if it is a platform thread. */
    public static Thread currentCarrier() {
        Thread t = Thread.currentThread();
        if (!t.isVirtual()) return t;
        if (CURRENT_CARRIER != null) {
            try {
                return (Thread) CURRENT_CARRIER.invoke(null);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("Thread.currentCarrierThread() failed", e);
            }
        }
        String name = carrierName();
        List<Thread> found = new ArrayList<>();
        for (Thread candidate : Thread.getAllStackTraces().keySet()) {
            if (!candidate.isVirtual() && candidate.getName().equals(name) && candidate.isAlive()) found.add(candidate);
        }
        assertEquals(1, found.size(), () -> "expected exactly one live thread named \"" + name + "\": " + found);
        return found.get(0);
    }
}
