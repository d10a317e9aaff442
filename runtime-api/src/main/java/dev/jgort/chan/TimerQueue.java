package dev.jgort.chan;

import dev.jgort.spi.CurrentGoroutine;
import dev.jgort.spi.RuntimeProvider;

import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Where {@link Timer}s and {@link Ticker}s wait. A {@link Timer} armed in a goroutine of a jgort runtime
 * goes on that goroutine's P, as Go's timers do ({@link CurrentGoroutine#addTimer}): it fires from the
 * P's scheduling loop, and its send readies the receiver into that P's run queue. Every other one
 * (armed outside a goroutine, on a runtime that keeps no timers on its Ps, or a ticker: a P's timers
 * are one-shot) waits on the daemon threads {@code jgort-timers-<i>}, one per core up to 4, each with
 * its own queue; a timer goes to a random one. Channels do not need a runtime, so these stay. Created
 * on first use. A timer's send readies its receiver from one of these threads, which on jgort means
 * the global run queue. Several threads, because a burst of timers due together is fired at the rate
 * one thread can ready goroutines (a few µs each: bench/README, "Timer bursts").
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

    /**
     * Runs {@code task} once after {@code nanos} (0 or less: at once), on a random timer thread. Or, if
     * the caller is a goroutine whose runtime takes it, runs {@code onP} then on the goroutine's P, an
     * M's scheduling loop, where nothing may wait for a lock: if {@code onP} could not do its work
     * without waiting (it returns false, having done nothing), {@code task} runs on a timer thread.
     */
    static ScheduledFuture<?> schedule(Runnable task, BooleanSupplier onP, long nanos) {
        long delay = Math.max(0, nanos);
        if (Thread.currentThread().isVirtual()) {
            RuntimeProvider p = RuntimeProvider.find();
            CurrentGoroutine g = p != null ? p.current() : null;
            // The future returned is the P's timer. Once it has run and handed task to a timer thread,
            // cancelling it reaches no further: task's owner must drop a stale firing itself (Timer's
            // generation check does).
            ScheduledFuture<?> f = g == null ? null : g.addTimer(() -> {
                if (!onP.getAsBoolean()) shard().execute(task);
            }, delay);
            if (f != null) return f;
        }
        return shard().schedule(task, delay, TimeUnit.NANOSECONDS);
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
        // A timer on a P is not a RunnableScheduledFuture: its P's heap drops it (Go's clearDeletedTimers).
        if (!(f instanceof RunnableScheduledFuture<?>)) return;
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
