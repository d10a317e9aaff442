package dev.jgort.core;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Go's {@code sched.lock}: a mutex that blocks the thread, never the goroutine.
 *
 * <p>Go's runtime locks spin and then sleep the M; a goroutine waiting for one keeps its M. A virtual
 * thread waiting on a {@link ReentrantLock} would instead unmount, and its M would go on to schedule
 * other goroutines in the middle of a scheduler operation done on the G's behalf (entersyscall,
 * exitsyscall, stop-the-world): the M the G had captured would no longer be the one it runs on. So a
 * virtual thread spins for this lock (critical sections are short); platform threads (Ms, sysmon,
 * callers outside the runtime) park as usual.
 */
final class SchedLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;

    @Override
    public void lock() {
        if (Thread.currentThread().isVirtual()) {
            while (!tryLock()) Thread.onSpinWait();
        } else {
            super.lock();
        }
    }
}
