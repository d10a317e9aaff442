package dev.jgort.chan;

import dev.jgort.spi.WaitReason;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One blocked channel operation of one thread: the part of Go's {@code g} that {@code chansend},
 * {@code chanrecv} and {@code selectgo} park on ({@code g.param}, {@code g.selectDone}). A plain send
 * or receive has one {@link Sudog} pointing here; a select has one per case, all pointing here, and
 * the first partner to {@link #claim()} it decides which case fires.
 *
 * <p>State machine, settled by CAS on {@link #state}:
 * <pre>
 *   WAITING --claim() by a partner, under that channel's lock--> CLAIMED --complete()--> DONE
 *   WAITING --cancel() by the owner after an interrupt--------> CANCELLED
 * </pre>
 * A partner that wins the claim writes the result into the sudog, then {@link #complete}s (a volatile
 * write that publishes those fields), and unparks the owner after releasing the channel lock. A
 * partner that loses (the owner was claimed through another case, or cancelled) drops the sudog. The
 * owner parks until DONE; if interrupted it tries to cancel, and if the cancel loses, the operation
 * has happened and the owner finishes it (re-asserting the interrupt) so that no value is lost.
 */
final class Waiter implements WaitReason {
    private static final int WAITING = 0, CLAIMED = 1, DONE = 2, CANCELLED = 3;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Thread thread = Thread.currentThread();
    private final String reason;
    private volatile int state;
    /** The sudog that fired: written by the claimer before DONE, read by the owner after it. */
    private Sudog fired;
    /** What the owner waits on (one sudog per case), for {@link #timerPending()}; set before parking. */
    private volatile Sudog[] waitingOn;

    Waiter(String reason) {
        this.reason = reason;
    }

    /** A partner takes this waiter (under the lock of the channel whose queue held the sudog). */
    boolean claim() {
        return state == WAITING && STATE.compareAndSet(this, WAITING, CLAIMED);
    }

    /** The claimer publishes the result; it unparks {@link #thread} after unlocking the channel. */
    void complete(Sudog sg) {
        fired = sg;
        state = DONE;
    }

    /**
     * Parks until a partner completes this waiter. Returns the sudog that fired, or null if the owner
     * was interrupted before any partner claimed it (the waiter is then cancelled; the caller unlinks
     * its sudogs and throws {@link InterruptedException}).
     */
    Sudog await() {
        boolean interrupted = false;
        while (state != DONE) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                if (STATE.compareAndSet(this, WAITING, CANCELLED)) return null;
                interrupted = true; // claimed: the completion is a few instructions away
            }
        }
        if (interrupted) thread.interrupt();
        return fired;
    }

    /** The owner records the sudogs it is about to park on (null entries are skipped). */
    void waitingOn(Sudog... sudogs) {
        waitingOn = sudogs;
    }

    @Override
    public String waitReason() {
        return reason;
    }

    /** Whether one of the channels waited on belongs to an armed timer or ticker (Go's checkdead rule). */
    @Override
    public boolean timerPending() {
        Sudog[] sgs = waitingOn;
        if (sgs == null || state != WAITING) return false;
        for (Sudog s : sgs) {
            if (s == null) continue;
            TimerSource t = s.c.timer;
            if (t != null && t.armed()) return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return reason;
    }
}
