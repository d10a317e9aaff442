package dev.jgort.chan;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Go's {@code time.Timer}: sends the current time once on {@link #c()} when its duration has
 * elapsed. With Go 1.23's guarantee: after {@link #stop()} or {@link #reset} returns, no value from
 * before the call is received from {@link #c()}.
 *
 * <p>{@link #after(Duration)} is Go's {@code time.After}, for timeouts in a {@link Select}. Each call
 * schedules a timer that stays queued until it fires; in a loop with a long timeout, prefer one
 * {@code Timer} and {@link #reset}. A goroutine waiting on an armed timer's channel is not
 * reported as deadlocked (Go's {@code checkdead} rule): the timer will wake it.
 */
public final class Timer implements TimerSource {
    private final Chan<Instant> c = Chan.make(1);
    /** Guards {@link #pending} and {@link #generation}; also held while firing. */
    private final ReentrantLock lock = new ReentrantLock();
    /** The scheduled firing, or null when stopped or fired. Written under the lock; volatile for {@link #armed()}. */
    private volatile ScheduledFuture<?> pending;
    /** lock: bumped by stop/reset, so that a firing already under way for an older arming is dropped. */
    private long generation;

    private Timer() {
        c.timer = this;
    }

    @Override
    public boolean armed() {
        return pending != null;
    }

    /** A timer that fires once after {@code d} (at once if {@code d} is zero or negative): Go's {@code time.NewTimer}. */
    public static Timer start(Duration d) {
        Objects.requireNonNull(d, "duration");
        Timer t = new Timer();
        t.lock.lock();
        try {
            t.arm(d);
        } finally {
            t.lock.unlock();
        }
        return t;
    }

    /** A channel that receives the time once after {@code d}: Go's {@code time.After}. */
    public static RecvChan<Instant> after(Duration d) {
        return start(d).c;
    }

    /** The channel the timer sends on (Go's {@code t.C}; receive-only; capacity 1). */
    public RecvChan<Instant> c() {
        return c;
    }

    /**
     * Stops the timer: Go's {@code Timer.Stop}. Returns true if this call stopped it before its value
     * was received (as in Go 1.23, a value sent but not yet received counts as not delivered: it is
     * dropped), false if it had been received or the timer was already stopped. Either way no value
     * is received from {@link #c()} afterwards until a {@link #reset}.
     */
    public boolean stop() {
        lock.lock();
        try {
            return disarm();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes the timer fire after {@code d} from now: Go's {@code Timer.Reset}. Returns what
     * {@link #stop()} would have. A value from before the call is never received after it.
     */
    public boolean reset(Duration d) {
        Objects.requireNonNull(d, "duration");
        lock.lock();
        try {
            boolean active = disarm();
            arm(d);
            return active;
        } finally {
            lock.unlock();
        }
    }

    private boolean disarm() {
        generation++;
        boolean active = pending != null;
        if (active) {
            pending.cancel(false);
            pending = null;
        }
        boolean unreceived = c.tryRecv() != null; // fired but not received: stale now, and not delivered
        return active || unreceived;
    }

    private void arm(Duration d) {
        long gen = generation;
        pending = TimerQueue.EXECUTOR.schedule(() -> fire(gen), Math.max(0, TimerQueue.nanos(d)), TimeUnit.NANOSECONDS);
    }

    private void fire(long gen) {
        lock.lock();
        try {
            if (gen != generation) return; // stopped or reset meanwhile (and counted as disarmed there)
            pending = null;
            c.trySend(Instant.now()); // cannot fail: disarm drained the only slot, and c is receive-only outside
        } finally {
            lock.unlock();
        }
    }
}
