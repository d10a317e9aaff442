package dev.jgort.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Go's {@code note} (lock_sema.go's, which keeps the waiting M in the note's key): a one-shot event
 * for one sleeper and one waker.
 *
 * <p>{@link #clear()} re-arms it; {@link #wakeup()} fires it (a second wakeup before the next clear is
 * a fatal scheduler bug, as in Go); {@link #sleep()} / {@link #sleep(long)} wait for it. Sleepers are
 * platform threads (Ms, the close() waiter), whose park parks the OS thread, or a goroutine calling
 * forEachP, whose wake-up readies it: that note must not be fired under sched.lock.
 *
 * <p>One word holds the whole state: {@code null} (not fired, nobody asleep), the sleeping thread, or
 * {@link #FIRED}. A sleeper registers by CAS from null to itself; the waker swaps in FIRED and unparks
 * whatever thread it swapped out. Each side's one atomic step settles the race, so no order of reads
 * and writes can lose a wakeup (the two-field version, a key and a waiter, lost one if the waker read
 * the waiter before setting the key: a window of nanoseconds no test caught). A timed sleep that
 * times out takes itself out by CAS from itself to null; if that fails, the waker's swap came first
 * and the note has fired.
 */
final class Note {
    /** The state when fired. */
    private static final Object FIRED = new Object();

    /** null, the sleeping thread, or {@link #FIRED}: written only by CAS (sleepers, wakeup) and by clear. */
    private volatile Object state;

    private static final VarHandle STATE;
    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Note.class, "state", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Go's {@code noteclear}: re-arms the note. Only when nobody sleeps on it. */
    void clear() {
        state = null;
    }

    /** Go's {@code notewakeup}. @throws IllegalStateException if already fired */
    void wakeup() {
        Object was = STATE.getAndSet(this, FIRED);
        if (was == FIRED) throw new IllegalStateException("notewakeup - double wakeup");
        if (was != null) LockSupport.unpark((Thread) was);
    }

    /** Whether the note has fired. */
    boolean isFired() {
        return state == FIRED;
    }

    /**
     * Registers the calling thread as the sleeper. @return false if the note has fired already
     * @throws IllegalStateException if another thread sleeps on it (Go: "notesleep - waitm out of sync")
     */
    private boolean register(Thread me) {
        if (STATE.compareAndSet(this, null, me)) return true;
        if (state == FIRED) return false;
        throw new IllegalStateException("notesleep - waitm out of sync: " + state + " already sleeps on this note");
    }

    /** Go's {@code notesleep}: waits until woken. An interrupt does not end the sleep; the flag is kept. */
    void sleep() {
        Thread me = Thread.currentThread();
        if (!register(me)) return;
        boolean interrupted = false;
        while (state != FIRED) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted(); // park returns at once while the flag is set
        }
        if (interrupted) me.interrupt();
    }

    /**
     * Go's {@code notetsleep}: waits at most {@code nanos}.
     *
     * @return whether the note fired
     */
    boolean sleep(long nanos) {
        Thread me = Thread.currentThread();
        if (!register(me)) return true;
        long deadline = System.nanoTime() + nanos;
        boolean interrupted = false;
        try {
            while (state != FIRED) {
                long left = deadline - System.nanoTime();
                // Timed out: leave, unless the waker's swap came first (then it fired).
                if (left <= 0) return !STATE.compareAndSet(this, me, null);
                LockSupport.parkNanos(this, left);
                interrupted |= Thread.interrupted();
            }
            return true;
        } finally {
            if (interrupted) me.interrupt();
        }
    }
}
