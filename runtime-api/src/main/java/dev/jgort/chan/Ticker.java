package dev.jgort.chan;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Go's {@code time.Ticker}: sends the current time on {@link #c()} every period. Like Go's, the
 * channel holds one tick; a receiver too slow for the period misses ticks rather than receiving a
 * backlog. After {@link #stop()} or {@link #reset} returns, no tick from before the call is received
 * (Go 1.23).
 */
public final class Ticker implements TimerSource {
    private final Chan<Instant> c = Chan.make(1);
    /** Guards {@link #pending} and {@link #generation}; also held while ticking. */
    private final ReentrantLock lock = new ReentrantLock();
    /** The periodic task, or null when stopped. Written under the lock; volatile for {@link #armed()}. */
    private volatile ScheduledFuture<?> pending;
    /** lock: bumped by stop/reset, so that a tick already under way for an older period is dropped. */
    private long generation;
    /** lock: the period and the System.nanoTime() at which the next tick is due. */
    private long period, nextDue;

    private Ticker() {
        c.timer = this;
    }

    @Override
    public boolean armed() {
        return pending != null;
    }

    /**
     * A ticker with the given period: Go's {@code time.NewTicker}.
     *
     * @throws IllegalArgumentException if {@code period} is zero or negative (Go panics the same way)
     */
    public static Ticker start(Duration period) {
        long ns = checkPeriod(period);
        Ticker t = new Ticker();
        t.lock.lock();
        try {
            t.schedule(ns);
        } finally {
            t.lock.unlock();
        }
        return t;
    }

    /** The channel the ticker sends on (Go's {@code t.C}; receive-only; capacity 1). */
    public RecvChan<Instant> c() {
        return c;
    }

    /** Stops the ticker: Go's {@code Ticker.Stop}. No tick is received afterwards until a {@link #reset}. */
    public void stop() {
        lock.lock();
        try {
            disarm();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the ticker and restarts it with a new period, the first tick one period from now: Go's
     * {@code Ticker.Reset}.
     *
     * @throws IllegalArgumentException if {@code period} is zero or negative; the ticker is unchanged
     */
    public void reset(Duration period) {
        long ns = checkPeriod(period);
        lock.lock();
        try {
            disarm();
            schedule(ns);
        } finally {
            lock.unlock();
        }
    }

    private static long checkPeriod(Duration period) {
        Objects.requireNonNull(period, "period");
        long ns = TimerQueue.nanos(period);
        if (ns <= 0) throw new IllegalArgumentException("non-positive interval for Ticker: " + period);
        return ns;
    }

    private void disarm() {
        generation++;
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
        c.tryRecv(); // a tick sent but not received yet is stale now
    }

    private void schedule(long ns) {
        long gen = generation;
        period = ns;
        nextDue = System.nanoTime() + ns;
        pending = TimerQueue.EXECUTOR.scheduleAtFixedRate(() -> tick(gen), ns, ns, TimeUnit.NANOSECONDS);
    }

    /**
     * One run of the fixed-rate task. After a stall (a GC pause, a slow timer on the shared thread) the
     * executor runs the missed periods back to back; as Go moves {@code when} past the missed periods,
     * only the first of them ticks and the next tick is due on the period's grid after now.
     */
    private void tick(long gen) {
        lock.lock();
        try {
            if (gen != generation) return;
            long now = System.nanoTime();
            if (now - nextDue < 0) return; // a catch-up run of a period already ticked
            nextDue += period * (1 + (now - nextDue) / period);
            c.trySend(Instant.now()); // full: the receiver is behind; drop the tick
        } finally {
            lock.unlock();
        }
    }
}
