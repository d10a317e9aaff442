package dev.jgort.chan;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Go's {@code time.Ticker}: sends the current time on {@link #c()} every period. Like Go's, the
 * channel holds one tick; a receiver too slow for the period misses ticks rather than receiving a
 * backlog. As in Go 1.23: after {@link #stop()} or {@link #reset} returns, no tick from before the
 * call is received; the channel's {@code len()} and {@code cap()} are 0; and a ticker nothing
 * references any more is collected even if never stopped ({@link TimerQueue}), which makes
 * {@link #tick(Duration)} (Go's {@code time.Tick}) safe to use.
 */
public final class Ticker implements TimerSource {
    private final Chan<Instant> c = Chan.make(1);
    /** Guards {@link #generation}, the period and the arming in {@link #pending}; also held while ticking. */
    private final ReentrantLock lock = new ReentrantLock();
    /** The periodic task ({@code future} null when stopped), cancelled if this ticker is collected. */
    private final TimerQueue.Pending pending = TimerQueue.pendingOf(this);
    /** How the queue reaches this ticker: weakly, so that an unreferenced ticker is collected. */
    private final WeakReference<Ticker> self = new WeakReference<>(this);
    /** lock: bumped by stop/reset, so that a tick already under way for an older period is dropped. */
    private long generation;
    /** lock: the period and the System.nanoTime() at which the next tick is due. */
    private long period, nextDue;

    private Ticker() {
        c.timer = this;
    }

    @Override
    public boolean armed() {
        return pending.future != null;
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

    /**
     * The channel of a new ticker with the given period, never stopped: Go's {@code time.Tick}. The
     * ticker is collected once nothing references its channel.
     *
     * @throws IllegalArgumentException if {@code period} is zero or negative (Go returns nil instead)
     */
    public static RecvChan<Instant> tick(Duration period) {
        return start(period).c;
    }

    /** The channel the ticker sends on (Go's {@code t.C}; receive-only). */
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
        ScheduledFuture<?> f = pending.future;
        if (f != null) {
            TimerQueue.cancel(f);
            pending.future = null;
        }
        c.tryRecv(); // a tick sent but not received yet is stale now
    }

    private void schedule(long ns) {
        long gen = generation;
        period = ns;
        nextDue = System.nanoTime() + ns;
        pending.future = TimerQueue.scheduleAtFixedRate(TimerQueue.task(self, t -> t.onTick(gen)), ns);
    }

    /**
     * One run of the fixed-rate task. After a stall (a GC pause, a slow timer on the shared thread) the
     * executor runs the missed periods back to back; as Go moves {@code when} past the missed periods,
     * only the first of them ticks and the next tick is due on the period's grid after now.
     */
    private void onTick(long gen) {
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
