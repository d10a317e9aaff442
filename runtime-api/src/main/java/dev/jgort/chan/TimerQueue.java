package dev.jgort.chan;

import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The one daemon thread, {@code jgort-timers}, that fires every {@link Timer} and {@link Ticker}
 * (Go keeps timers in per-P heaps run by the scheduler; channels here do not depend on a runtime, so
 * their timers cannot either). Created on first use. A timer's send readies its receiver from this
 * thread, which on jgort means the global run queue.
 *
 * <p>Go 1.23: a timer or ticker that nothing references any more is collected, fired or not, stopped
 * or not. Here the queue holds each one only weakly ({@link #task}): its scheduled task reaches it
 * through a {@link WeakReference}, and once the collector has found it unreachable, a {@link Cleaner}
 * cancels the task, which leaves the queue with the next purge ({@link #cancel}). So
 * {@code Timer.after(1 min)} in a loop of selects that end by another case holds no memory for that
 * minute. A goroutine blocked on the channel keeps its timer reachable (through the channel it waits
 * on), so a timer someone waits for always fires. {@code Timer.afterFunc}'s task holds its timer
 * strongly instead: its function runs whether or not the timer is referenced, as in Go.
 */
final class TimerQueue {
    private TimerQueue() {}

    static final ScheduledThreadPoolExecutor EXECUTOR;
    private static final Cleaner CLEANER = Cleaner.create(Thread.ofPlatform().name("jgort-timer-cleaner").daemon().factory());

    static {
        // Cancelling only marks a task (O(1)); cancelled tasks leave the queue in batches (purge), once
        // they are a quarter of it, as Go cleans deleted timers from its heaps (adjusttimers).
        var ex = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("jgort-timers").daemon().factory());
        ex.setRemoveOnCancelPolicy(false);
        EXECUTOR = ex;
    }

    /** Tasks cancelled since the last purge. */
    private static final AtomicInteger CANCELLED = new AtomicInteger();

    /**
     * Cancels a timer's task (stopped, reset, or its timer collected); purges the queue of cancelled
     * tasks once they are a quarter of it, on the calling thread (a stop() or the cleaner's), so that
     * the queue never holds more than about a third again of the live timers, and the work per
     * cancel stays O(1) amortised.
     */
    static void cancel(ScheduledFuture<?> f) {
        if (!f.cancel(false)) return;
        int n = CANCELLED.incrementAndGet();
        if (n >= 64 && n >= EXECUTOR.getQueue().size() / 4 && CANCELLED.compareAndSet(n, 0)) EXECUTOR.purge();
    }

    /**
     * A timer's or ticker's current scheduled task, the one thing its cleaning action holds (never the
     * owner, or the owner would never become unreachable). {@code future} is written under the owner's
     * lock; read without it by {@code armed()} and by the cleaner.
     */
    static final class Pending implements Runnable {
        volatile ScheduledFuture<?> future;

        /** The cleaning action: the owner was collected, so its task leaves the queue. */
        @Override
        public void run() {
            ScheduledFuture<?> f = future;
            if (f != null) cancel(f);
        }
    }

    /** A {@link Pending} that is cancelled once {@code owner} has been collected. */
    static Pending pendingOf(Object owner) {
        Pending p = new Pending();
        CLEANER.register(owner, p);
        return p;
    }

    /**
     * The task that runs {@code action} on {@code owner}, holding it only weakly: if the owner was
     * collected first, the task does nothing (its cleaner removes it from the queue soon after).
     */
    static <T> Runnable task(WeakReference<T> owner, Consumer<T> action) {
        return () -> {
            T t = owner.get();
            if (t != null) action.accept(t);
        };
    }

    /** A duration in nanoseconds, saturated instead of overflowing. */
    static long nanos(java.time.Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
