package dev.jgort.chan;

import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The daemon threads {@code jgort-timers-<i>} that fire every {@link Timer} and {@link Ticker}, one per
 * core up to 4, each with its own queue; a timer goes to a random one (Go keeps timers in per-P heaps
 * run by the scheduler; channels here do not depend on a runtime, so their timers cannot either).
 * Created on first use. A timer's send readies its receiver from one of these threads, which on jgort
 * means the global run queue. Several threads, because a burst of timers due together is fired at the
 * rate one thread can ready goroutines (a few µs each: bench/README, "Timer bursts").
 *
 * <p>Go 1.23: a timer or ticker that nothing references any more is collected, fired or not, stopped
 * or not. A channel timer is queued only while a receiver waits on it ({@link Timer}), so it is
 * collected with its channel. A ticker stays queued while it runs, holding its ticker only weakly
 * ({@link #task}): once the collector has found the ticker unreachable, a {@link Cleaner} cancels its
 * task, which leaves the queue with the next purge ({@link #cancel}). {@code Timer.afterFunc}'s task
 * holds its timer strongly: its function runs whether or not the timer is referenced, as in Go.
 */
final class TimerQueue {
    private TimerQueue() {}

    private static final ScheduledThreadPoolExecutor[] SHARDS;
    private static final Cleaner CLEANER = Cleaner.create(Thread.ofPlatform().name("jgort-timer-cleaner").daemon().factory());

    static {
        // Cancelling only marks a task (O(1)); cancelled tasks leave the queues in batches (purge), once
        // they are a quarter of them, as Go cleans deleted timers from its heaps (adjusttimers).
        int n = Math.clamp(Runtime.getRuntime().availableProcessors(), 1, 4);
        SHARDS = new ScheduledThreadPoolExecutor[n];
        for (int i = 0; i < n; i++) {
            var ex = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("jgort-timers-" + i).daemon().factory());
            ex.setRemoveOnCancelPolicy(false);
            SHARDS[i] = ex;
        }
    }

    /** Runs {@code task} once after {@code nanos} (0 or less: at once), on a random timer thread. */
    static ScheduledFuture<?> schedule(Runnable task, long nanos) {
        return shard().schedule(task, Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} every {@code periodNanos}, the first time after one period. */
    static ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long periodNanos) {
        return shard().scheduleAtFixedRate(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    private static ScheduledThreadPoolExecutor shard() {
        return SHARDS.length == 1 ? SHARDS[0] : SHARDS[ThreadLocalRandom.current().nextInt(SHARDS.length)];
    }

    /** The tasks queued on all timer threads, cancelled ones not yet purged included. */
    static int size() {
        int n = 0;
        for (var ex : SHARDS) n += ex.getQueue().size();
        return n;
    }

    /** Tasks cancelled since the last purge. */
    private static final AtomicInteger CANCELLED = new AtomicInteger();

    /**
     * Cancels a timer's task (stopped, reset, its last receiver gone, or its ticker collected); purges
     * the queues of cancelled tasks once they are a quarter of them, on the calling thread, so that the
     * queues never hold more than about a third again of the live timers, and the work per cancel
     * stays O(1) amortised.
     */
    static void cancel(ScheduledFuture<?> f) {
        if (!f.cancel(false)) return;
        int n = CANCELLED.incrementAndGet();
        if (n >= 64 && n >= size() / 4 && CANCELLED.compareAndSet(n, 0)) {
            for (var ex : SHARDS) ex.purge();
        }
    }

    /**
     * A ticker's current periodic task, the one thing its cleaning action holds (never the ticker, or
     * the ticker would never become unreachable). (Channel timers need none: one is queued only while
     * a receiver waits on it, and then it is reachable.) {@code future} is written under the owner's
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
