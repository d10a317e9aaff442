package dev.jgort.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Go's {@code note} (lock_futex.go): a one-shot event for one sleeper and one waker.
 *
 * <p>{@link #clear()} re-arms it; {@link #wakeup()} fires it (a second wakeup before the next clear is
 * a fatal scheduler bug, as in Go); {@link #sleep()} / {@link #sleep(long)} wait for it. Sleepers are
 * platform threads (Ms, the close() waiter), whose park parks the OS thread, or a goroutine calling
 * forEachP, whose wake-up readies it: that note must not be fired under sched.lock.
 *
 * <p>Races: {@code key} goes 0 → 1 by CAS in wakeup; the sleeper publishes itself in {@code waiter}
 * before reading {@code key}, and the waker reads {@code waiter} after setting {@code key}, so one of
 * them always sees the other (both are volatile: sequentially consistent).
 */
final class Note {
    private volatile int key;         // 0: not fired, 1: fired
    private volatile Thread waiter;   // the thread sleeping on this note, if any

    private static final VarHandle KEY;
    static {
        try {
            KEY = MethodHandles.lookup().findVarHandle(Note.class, "key", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Go's {@code noteclear}: re-arms the note. Only when nobody sleeps on it. */
    void clear() {
        key = 0;
    }

    /** Go's {@code notewakeup}. @throws IllegalStateException if already fired */
    void wakeup() {
        if (!KEY.compareAndSet(this, 0, 1)) {
            throw new IllegalStateException("notewakeup - double wakeup");
        }
        Thread w = waiter;
        if (w != null) LockSupport.unpark(w);
    }

    /** Whether the note has fired. */
    boolean isFired() {
        return key != 0;
    }

    /** Go's {@code notesleep}: waits until woken. An interrupt does not end the sleep; the flag is kept. */
    void sleep() {
        if (key != 0) return;
        waiter = Thread.currentThread();
        boolean interrupted = false;
        while (key == 0) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted(); // park returns at once while the flag is set
        }
        waiter = null;
        if (interrupted) Thread.currentThread().interrupt();
    }

    /**
     * Go's {@code notetsleep}: waits at most {@code nanos}.
     *
     * @return whether the note fired
     */
    boolean sleep(long nanos) {
        if (key != 0) return true;
        long deadline = System.nanoTime() + nanos;
        waiter = Thread.currentThread();
        boolean interrupted = false;
        try {
            while (key == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                LockSupport.parkNanos(this, left);
                interrupted |= Thread.interrupted();
            }
            return true;
        } finally {
            waiter = null;
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
