package dev.jgort.chan;

import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Go's {@code time.Timer}: sends the current time once on {@link #c()} when its duration has
 * elapsed. With Go 1.23's guarantees: after {@link #stop()} or {@link #reset} returns, no value from
 * before the call is received from {@link #c()}; the channel's {@code len()} and {@code cap()} are 0
 * (it behaves as unbuffered: no value is ever seen waiting in it); and a timer nothing references any
 * more is collected, fired or not, stopped or not.
 *
 * <p>The last comes from Go 1.23's design, reproduced here: a channel timer is in the timer queue
 * only while some receiver waits on its channel ({@link #blockTimerChan}, Go's
 * {@code blockTimerChan}); a receive or select that does not wait first sends a due value itself
 * ({@link #maybeRunChan}, Go's {@code maybeRunChan}). So {@code select} with
 * {@code Timer.after(1 min)} in a loop that always ends by another case never queues the timer, and
 * the timer is garbage as soon as the select returns. The value sent is the time the timer was due
 * (as Go's {@code sendTime} sends {@code now - delta}), whenever it is sent.
 *
 * <p>{@link #after(Duration)} is Go's {@code time.After}, for timeouts in a {@link Select};
 * {@link #afterFunc} is Go's {@code time.AfterFunc}. A goroutine waiting on an armed timer's channel is
 * not reported as deadlocked (Go's {@code checkdead} rule): the timer will wake it.
 *
 * <p>Locking: {@link #lock} guards every field below it (but {@link #blocked}'s decrement) and is held while sending; it is taken before
 * the channel's lock (firing sends under it), never after, so the channel calls the hooks without its
 * own lock held.
 */
public final class Timer implements TimerSource {
    private final Chan<Instant> c = Chan.make(1);
    private final ReentrantLock lock = new ReentrantLock();
    /** {@link #afterFunc}'s function, or null for a timer that sends on {@link #c()}. */
    private final Runnable fn;
    /** {@link #afterFunc}: the runtime whose goroutine made the timer (fn runs in a goroutine of it), or null. */
    private final GoRuntime runtime;
    /** lock: armed and neither fired nor stopped; volatile for {@link #armed()} and {@link #maybeRunChan}'s first look. */
    private volatile boolean active;
    /** lock: when it is due ({@code System.nanoTime()}), while {@link #active}. */
    private long when;
    /**
     * Receivers waiting on {@link #c} (Go's {@code t.blocked}): incremented under the lock, decremented
     * without it ({@link #unblockTimerChan} takes the lock only if there is a task to take out).
     */
    private final AtomicInteger blocked = new AtomicInteger();
    /**
     * lock (written): its task in the timer queue, while a receiver waits (or always, for afterFunc);
     * else null. Volatile for {@link #unblockTimerChan}'s look without the lock.
     */
    private volatile ScheduledFuture<?> scheduled;
    /** lock: bumped by stop/reset, so that a firing already under way for an older arming is dropped. */
    private long generation;

    private Timer(Runnable fn, GoRuntime runtime) {
        this.fn = fn;
        this.runtime = runtime;
        c.timer = this;
    }

    @Override
    public boolean armed() {
        return active;
    }

    /** A timer that fires once after {@code d} (at once if {@code d} is zero or negative): Go's {@code time.NewTimer}. */
    public static Timer start(Duration d) {
        Objects.requireNonNull(d, "duration");
        return new Timer(null, null).started(d);
    }

    /** A channel that receives the time once after {@code d}: Go's {@code time.After}. */
    public static RecvChan<Instant> after(Duration d) {
        return start(d).c;
    }

    /**
     * Runs {@code fn} once after {@code d}, in a goroutine of its own: Go's {@code time.AfterFunc}.
     * Called from a goroutine, {@code fn} runs in a new goroutine of the same runtime (if that runtime
     * has been closed by then, on a virtual thread of the JDK's scheduler, with a warning logged: it is
     * never dropped); called from elsewhere, on a new virtual thread. {@link #stop()} returns true if
     * it stopped the timer before {@code fn} started; {@link #reset} makes {@code fn} run (again) after
     * the new duration. The function runs whether or not the timer is still referenced (the timer
     * queue holds it). Such a timer sends on no channel: {@link #c()} throws.
     */
    public static Timer afterFunc(Duration d, Runnable fn) {
        Objects.requireNonNull(d, "duration");
        Objects.requireNonNull(fn, "fn");
        return new Timer(fn, Go.inGoroutine() ? Go.runtime() : null).started(d);
    }

    /** Arms a new timer for its first duration. */
    private Timer started(Duration d) {
        lock.lock();
        try {
            arm(d);
        } finally {
            lock.unlock();
        }
        return this;
    }

    /**
     * The channel the timer sends on (Go's {@code t.C}; receive-only).
     *
     * @throws IllegalStateException for a timer made by {@link #afterFunc} (Go's has a nil {@code C})
     */
    public RecvChan<Instant> c() {
        if (fn != null) {
            throw new IllegalStateException("a Timer made by afterFunc sends on no channel (Go's AfterFunc timer has a nil C)");
        }
        return c;
    }

    /**
     * Stops the timer: Go's {@code Timer.Stop}. Returns true if this call stopped it before its value
     * was received (as in Go 1.23, a value sent but not yet received counts as not delivered: it is
     * dropped) or, for {@link #afterFunc}, before its function started; false if it had been received
     * (or the function started) or the timer was already stopped. Either way no value is received
     * from {@link #c()} afterwards until a {@link #reset}.
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
        boolean wasActive = active;
        active = false;
        unschedule();
        boolean unreceived = c.tryRecv() != null; // fired but not received: stale now, and not delivered
        return wasActive || unreceived;
    }

    private void arm(Duration d) {
        long ns = Math.max(0, TimerQueue.nanos(d));
        long now = System.nanoTime();
        when = ns > Long.MAX_VALUE / 2 ? now + Long.MAX_VALUE / 2 : now + ns; // far enough: never
        active = true;
        if (fn != null || blocked.get() > 0) schedule(now);
    }

    /** Puts the current arming in the timer queue. Must hold the lock. */
    private void schedule(long now) {
        long gen = generation;
        scheduled = TimerQueue.schedule(() -> fire(gen, true), () -> fire(gen, false), when - now);
    }

    /** Takes the current arming out of the timer queue, if it is there. Must hold the lock. */
    private void unschedule() {
        ScheduledFuture<?> f = scheduled;
        if (f != null) {
            scheduled = null;
            TimerQueue.cancel(f);
        }
    }

    /**
     * The timer queue's task. With {@code wait} false it runs on an M, in the scheduling loop of the P
     * the timer lives on, and must not wait for this timer's lock or its channel's: a goroutine may
     * hold them while it is parked (on the other lock, contended), and it may need this M's P to run
     * again (at GOMAXPROCS 1, a deadlock). Go's runtime locks are never held by a parked goroutine, so
     * Go's timers may wait for them; these cannot.
     *
     * @return false, having done nothing, if {@code wait} is false and a lock was busy (the timer queue
     *         then fires it from a timer thread)
     */
    private boolean fire(long gen, boolean wait) {
        if (wait) {
            lock.lock();
        } else if (!lock.tryLock()) {
            return false;
        }
        try {
            if (gen != generation || !active) return true; // stopped, reset or sent meanwhile
            if (fn == null) {
                long now = System.nanoTime();
                if (wait) {
                    send(now);
                } else if (!c.trySendIfUnlocked(due(now))) {
                    return false; // the channel's lock was busy (its one slot is free: disarm drained it)
                }
                scheduled = null;
                active = false;
                return true;
            }
            scheduled = null;
            active = false;
        } finally {
            lock.unlock();
        }
        launch();
        return true;
    }

    /** Sends the time it was due. Must hold the lock; the timer has just stopped being active. */
    private void send(long now) {
        // Cannot fail: disarm drained the only slot, a timer sends once per arming, and c is receive-only outside.
        c.trySend(due(now));
    }

    /** The time it was due, as a wall-clock instant, {@code now} being a {@code System.nanoTime()}. */
    private Instant due(long now) {
        return Instant.now().minusNanos(Math.max(0, now - when));
    }

    @Override
    public void maybeRunChan() {
        if (!active || fn != null) return;
        lock.lock();
        try {
            long now = System.nanoTime();
            if (active && now - when >= 0) {
                active = false;
                unschedule();
                send(now);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void blockTimerChan() {
        lock.lock();
        try {
            blocked.incrementAndGet();
            if (active && scheduled == null) schedule(System.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Without the lock when there is nothing to take out: a receiver woken by this timer's send finds
     * {@link #scheduled} already null, and must not queue up on the lock the firing thread still holds
     * (measured: in a burst every woken receiver parked on it once more). A race with a reset that has
     * just queued a task for this last receiver can leave that task queued with no one waiting; it
     * fires in time, into the channel, as an eager timer would.
     */
    @Override
    public void unblockTimerChan() {
        if (blocked.decrementAndGet() != 0 || fn != null || scheduled == null) return;
        lock.lock();
        try {
            if (blocked.get() == 0) unschedule();
        } finally {
            lock.unlock();
        }
    }

    /** afterFunc's goroutine: in the runtime that made the timer, or (none, or closed) a virtual thread. */
    private void launch() {
        GoRuntime rt = runtime;
        if (rt != null) {
            try {
                rt.go("afterFunc", fn);
                return;
            } catch (RejectedExecutionException closed) {
                System.getLogger("dev.jgort").log(System.Logger.Level.WARNING, "jgort: the runtime that made an"
                        + " afterFunc timer was closed before it fired (" + rt + "): its function runs on a"
                        + " virtual thread of the JDK's scheduler instead");
            }
        }
        Thread.ofVirtual().name("jgort-afterFunc").start(fn);
    }
}
