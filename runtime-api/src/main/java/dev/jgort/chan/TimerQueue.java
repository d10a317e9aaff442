package dev.jgort.chan;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The one daemon thread, {@code jgort-timers}, that fires every {@link Timer} and {@link Ticker}
 * (Go keeps timers in per-P heaps run by the scheduler; channels here do not depend on a runtime, so
 * their timers cannot either). Created on first use. A timer's send readies its receiver from this
 * thread, which on jgort means the global run queue.
 */
final class TimerQueue {
    private TimerQueue() {}

    static final ScheduledThreadPoolExecutor EXECUTOR;

    static {
        var ex = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("jgort-timers").daemon().factory());
        ex.setRemoveOnCancelPolicy(true); // a stopped timer leaves the queue at once
        EXECUTOR = ex;
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
