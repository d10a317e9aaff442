package dev.jgort.core;

import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Go's runtime {@code timer} (time.go) for a virtual thread's timeout: the JDK's {@code parkNanos},
 * {@code Thread.sleep} and timed {@code Object.wait} each schedule one when a goroutine of a jgort
 * runtime parks with a timeout ({@link TimerRouter}). It lives in the heap of the P its goroutine ran
 * on ({@link Timers}) and fires from that P's scheduling loop, or from an M that steals it.
 *
 * <p>A {@link FutureTask}: its state word settles the one race a timer has, a cancel (the goroutine
 * was unparked first: {@code VirtualThread.cancelTimeoutTask}) against the firing M's run, and a
 * cancelled timer stays in its heap until a heap walk drops it, as Go's {@code timerDeleted} does.
 */
final class RuntimeTimer extends FutureTask<Void> implements ScheduledFuture<Void> {
    /** When it is due, in {@link System#nanoTime()}; compared by subtraction only. */
    final long when;
    /**
     * The heap it is in, for its deleted count: set by {@link Timers#add} under that heap's lock (again
     * when procresize moves it). Read by the canceller, racily: a cancel counted on the heap it just
     * left only makes that heap rebuild itself a little early.
     */
    volatile Timers heap;

    RuntimeTimer(Runnable task, long when) {
        super(task, null);
        this.when = when;
    }

    @Override
    protected void done() {
        if (isCancelled()) {
            Timers h = heap;
            if (h != null) h.noteDeleted();
        }
    }

    @Override
    public long getDelay(TimeUnit unit) {
        return unit.convert(when - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
        if (o == this) return 0;
        long d = o instanceof RuntimeTimer t ? when - t.when
                : getDelay(TimeUnit.NANOSECONDS) - o.getDelay(TimeUnit.NANOSECONDS);
        return d < 0 ? -1 : d > 0 ? 1 : 0;
    }

    /** Whether it is due before {@code other} (in nanoTime's order, which wraps). */
    boolean before(RuntimeTimer other) {
        return when - other.when < 0;
    }
}
