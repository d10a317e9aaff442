package dev.jgort.core;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Go's {@code sched.lock}: a mutex that blocks the thread, never the goroutine.
 *
 * <p>Go's runtime locks ({@code lock2} in lock_futex.go) spin a little before they sleep the M; a
 * goroutine waiting for one keeps its M. A virtual thread waiting on a {@link ReentrantLock} would
 * instead unmount, and its M would go on to schedule other goroutines in the middle of a scheduler
 * operation done on the G's behalf (entersyscall, exitsyscall, stop-the-world): the M the G had
 * captured would no longer be the one it runs on. So a virtual thread spins for this lock (critical
 * sections are short). Platform threads (Ms, sysmon, callers outside the runtime) spin as
 * {@code lock2} does, then park: a parked waiter costs the unlocking thread a futex wake-up in
 * {@link #unlock()}, which is what made a spawning goroutine and an M taking batches from the global
 * queue slow each other down. Go's one {@code osyield} between spinning and sleeping is left out: on
 * a machine with more runnable threads than cores it gave the core away for a whole time slice
 * (forEachP under load went from ~40 µs to ~1.5 ms).
 *
 * <p>Not re-entrant, as Go's is not: {@link #lock()} by the holder is a bug (Go deadlocks; this throws),
 * and methods that Go documents "sched.lock must be held" call {@link #assertHeld()}, Go's
 * {@code assertLockHeld} (checked where assertions are on: the tests run with {@code -ea}).
 */
final class SchedLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;
    /** Go's {@code active_spin} × {@code active_spin_cnt}: tries with a spin-wait hint in between. */
    private static final int ACTIVE_SPIN = 4 * 30;

    @Override
    public void lock() {
        if (isHeldByCurrentThread()) {
            throw new IllegalStateException("sched.lock: locked again by its holder (it is not re-entrant)");
        }
        if (Thread.currentThread().isVirtual()) {
            while (!tryLock()) Thread.onSpinWait();
            return;
        }
        for (int i = 0; i < ACTIVE_SPIN; i++) {
            if (tryLock()) return;
            Thread.onSpinWait();
        }
        super.lock();
    }

    /** Go's {@code assertLockHeld(&sched.lock)}. */
    void assertHeld() {
        assert isHeldByCurrentThread() : "sched.lock must be held";
    }
}
