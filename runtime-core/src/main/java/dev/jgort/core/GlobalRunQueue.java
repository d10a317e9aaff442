package dev.jgort.core;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The global run queue, Go's {@code sched.runq}: a FIFO of Gs.
 *
 * <p>Go links its global queue through {@code g.schedlink}. Here it is an array deque: moving a batch
 * in ({@code runqputslow}) or out ({@code globrunqget}) under the lock then copies references only,
 * without touching the Gs themselves, which were mostly made on another core. With the intrusive
 * list, walking a batch of freshly spawned Gs from another core kept {@code sched.lock} for a cache
 * miss per G, and a spawning goroutine spun on the lock meanwhile. The deque's array grows as
 * needed and does not shrink.
 *
 * <p>Guarded by {@link Sched#lock}: every method but {@link #size} must be called with it held (asserted,
 * as Go's {@code assertLockHeld}). {@link #size} is also
 * written under the lock but volatile, so the scheduler may glance at it without the lock (Go reads
 * {@code sched.runqsize} the same way) before deciding to take the lock.
 */
final class GlobalRunQueue {
    private final ArrayDeque<G> q = new ArrayDeque<>();
    private volatile int size;
    private final SchedLock lock;

    GlobalRunQueue(SchedLock lock) {
        this.lock = lock;
    }

    /** A glance without the lock; exact only under it. */
    int size() {
        return size;
    }

    /** Go's {@code globrunqput}: to the tail. Must hold the lock. */
    void put(G gp) {
        lock.assertHeld();
        q.addLast(gp);
        size = q.size();
    }

    /** Go's {@code globrunqputhead}: to the head. Must hold the lock. */
    void putHead(G gp) {
        lock.assertHeld();
        q.addFirst(gp);
        size = q.size();
    }

    /** Go's {@code globrunqputbatch}: {@code batch[0..n)} to the tail, in order. Must hold the lock. */
    void putBatch(G[] batch, int n) {
        lock.assertHeld();
        for (int i = 0; i < n; i++) q.addLast(batch[i]);
        size = q.size();
    }

    /** Calls {@code action} with each queued G, head first. Must hold the lock. */
    void forEach(Consumer<G> action) {
        lock.assertHeld();
        q.forEach(action);
    }

    /** Takes the head, or null. Must hold the lock. */
    G pop() {
        lock.assertHeld();
        G gp = q.pollFirst();
        size = q.size();
        return gp;
    }
}
