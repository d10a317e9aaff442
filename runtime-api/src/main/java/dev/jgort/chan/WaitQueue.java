package dev.jgort.chan;

/**
 * Go's {@code waitq}: a channel's FIFO of parked senders or receivers. Not thread-safe: every method
 * runs under the owning channel's lock.
 */
final class WaitQueue {
    private Sudog first, last;

    void enqueue(Sudog s) {
        s.next = null;
        s.prev = last;
        if (last == null) first = s;
        else last.next = s;
        last = s;
        s.queue = this;
    }

    /**
     * Removes and returns the first sudog whose waiter this caller {@link Waiter#claim() claims};
     * sudogs of waiters that are already claimed elsewhere (a select woken through another case) or
     * cancelled are dropped on the way, as Go's {@code dequeue} skips a select whose
     * {@code selectDone} it loses. Null when none is left.
     */
    Sudog dequeue() {
        Sudog s;
        while ((s = first) != null) {
            remove(s);
            if (s.waiter.claim()) return s;
        }
        return null;
    }

    /** Unlinks {@code s} if it is still queued here (a select's leftover case, a cancelled wait). */
    void remove(Sudog s) {
        if (s.queue != this) return;
        Sudog p = s.prev, n = s.next;
        if (p == null) first = n;
        else p.next = n;
        if (n == null) last = p;
        else n.prev = p;
        s.prev = s.next = null;
        s.queue = null;
    }

    boolean isEmpty() {
        return first == null;
    }
}
