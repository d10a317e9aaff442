package dev.jgort.core;

/**
 * The global run queue, Go's {@code sched.runq}: an intrusive FIFO of Gs linked through
 * {@link G#schedlink}.
 *
 * <p>Guarded by {@link Sched#lock}: every method must be called with it held. {@link #size} is also
 * written under the lock but volatile, so the scheduler may glance at it without the lock (Go reads
 * {@code sched.runqsize} the same way) before deciding to take the lock.
 */
final class GlobalRunQueue {
    private G head;
    private G tail;
    private volatile int size;

    /** A glance without the lock; exact only under it. */
    int size() {
        return size;
    }

    /** Go's {@code globrunqput}: to the tail. Must hold the lock. */
    void put(G gp) {
        gp.schedlink = null;
        if (tail != null) tail.schedlink = gp; else head = gp;
        tail = gp;
        size = size + 1;
    }

    /** Go's {@code globrunqputhead}: to the head. Must hold the lock. */
    void putHead(G gp) {
        gp.schedlink = head;
        head = gp;
        if (tail == null) tail = gp;
        size = size + 1;
    }

    /** Go's {@code globrunqputbatch}: {@code batch[0..n)} to the tail, in order. Must hold the lock. */
    void putBatch(G[] batch, int n) {
        for (int i = 0; i < n; i++) put(batch[i]);
    }

    /** Takes the head, or null. Must hold the lock. */
    G pop() {
        G gp = head;
        if (gp == null) return null;
        head = gp.schedlink;
        if (head == null) tail = null;
        gp.schedlink = null;
        size = size - 1;
        return gp;
    }

    /** Calls {@code action} for each queued G, head first. Must hold the lock. */
    void forEach(java.util.function.Consumer<G> action) {
        for (G gp = head; gp != null; gp = gp.schedlink) action.accept(gp);
    }
}
