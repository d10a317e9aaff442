package dev.jgort.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A P's timers: Go's {@code p.timers} with {@code timersLock}, {@code timer0When} and
 * {@code deletedTimers} (time.go). A 4-ary min-heap of {@link RuntimeTimer}s by due time, as Go's.
 *
 * <p>Who touches it: the M running on the P adds the timeouts of the goroutines it runs
 * ({@link #add}); that M fires the due ones every scheduling round, and an M looking for work fires
 * another P's ({@link #runDue}); procresize moves a dying P's timers away ({@link #moveTo}); a
 * runtime that stops hands them to the JDK ({@link #drain}). An M whose P was just taken may still add
 * to it, which is why it has its own lock and not the P's owner as its guard.
 *
 * <p>Locking: {@link #lock} guards {@link #heap}, {@link #n} and {@link #dead}. It is a leaf: nothing
 * is called under it (a due timer is taken out under the lock and run after it is released, so its
 * task may ready a goroutine, take {@code sched.lock} or add a timer here), and it is never held
 * together with another heap's lock.
 *
 * <p>{@link #count} and {@link #when0} publish the heap's size and earliest due time for lock-free
 * glances (the scheduling loop's check, the idle M's next wake-up): written under the lock, read
 * anywhere. A glance may see a count with the previous earliest time; it only costs a look under the
 * lock. A cancelled timer stays in the heap (its task does nothing any more) until it reaches the top
 * or more than a quarter of the heap is cancelled: then the heap is rebuilt without them, as Go's
 * {@code clearDeletedTimers} does, so timeouts that are mostly cancelled (parkNanos with a timeout,
 * then an unpark) do not pile up.
 */
final class Timers {
    private final SchedLock lock = new SchedLock();
    private RuntimeTimer[] heap = new RuntimeTimer[8]; // lock
    private int n;                                      // lock
    private boolean dead;                               // lock: moved or drained, takes no more
    private volatile int count;
    private volatile long when0;
    /** Go's {@code deletedTimers}: cancels since the last rebuild, counted by the cancellers (approximate). */
    private final AtomicInteger deleted = new AtomicInteger();

    /** What {@link #add} did. */
    static final int DEAD = -1, ADDED = 0, EARLIEST = 1;

    /**
     * Go's {@code addtimer}: adds {@code t}, first dropping cancelled timers from the top
     * ({@code cleantimers}). @return {@link #EARLIEST} if it is now the first due, {@link #ADDED}, or
     * {@link #DEAD} if this heap takes no more timers (its P died: the caller puts it elsewhere)
     */
    int add(RuntimeTimer t) {
        lock.lock();
        try {
            if (dead) return DEAD;
            cleanLocked();
            t.heap = this;
            push(t);
            publish();
            return heap[0] == t ? EARLIEST : ADDED;
        } finally {
            lock.unlock();
        }
    }

    /** Whether it may hold timers (a glance). */
    boolean any() {
        return count != 0;
    }

    /** The earliest due time if {@link #any()} (a glance; a cancelled timer's too). */
    long when0() {
        return when0;
    }

    /**
     * Go's {@code checkTimers} / {@code runtimer}: runs every timer due at {@code now}, each outside the
     * lock, in due order. @return how many ran
     */
    int runDue(long now) {
        int ran = 0;
        while (true) {
            RuntimeTimer t;
            lock.lock();
            try {
                cleanLocked();
                if (n == 0 || heap[0].when - now > 0) {
                    publish(); // what cleanLocked dropped
                    return ran;
                }
                t = pop();
                publish();
            } finally {
                lock.unlock();
            }
            t.run(); // a cancel that came first makes this a no-op
            ran++;
        }
    }

    /** Drops cancelled timers from the top (and all of them past a quarter), so the glances see a live one. */
    void clean() {
        if (count == 0) return;
        lock.lock();
        try {
            cleanLocked();
            publish();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Go's {@code moveTimers}: procresize destroys this heap's P; its live timers go to {@code to}
     * (the world is stopped; sched.lock is held, which ranks before both heaps' locks). After this,
     * {@link #add} here answers {@link #DEAD}.
     */
    void moveTo(Timers to) {
        for (RuntimeTimer t : drain()) {
            if (to.add(t) == DEAD) throw new IllegalStateException("moveTimers: the surviving P's timers are dead");
        }
    }

    /** Takes every live timer out, unordered, and takes no more ({@link #add} answers {@link #DEAD}). */
    List<RuntimeTimer> drain() {
        lock.lock();
        try {
            dead = true;
            List<RuntimeTimer> live = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                if (!heap[i].isDone()) live.add(heap[i]);
                heap[i] = null;
            }
            n = 0;
            deleted.set(0);
            publish();
            return live;
        } finally {
            lock.unlock();
        }
    }

    /** Timers in the heap, cancelled ones included (for tests and traces). */
    int size() {
        return count;
    }

    /** Called by a timer's cancel. */
    void noteDeleted() {
        deleted.incrementAndGet();
    }

    // ---- the heap, under the lock ------------------------------------------------------------------

    /** Go's {@code cleantimers} (the top) and {@code clearDeletedTimers} (all, past a quarter cancelled). */
    private void cleanLocked() {
        lock.assertHeld();
        if (n > 16 && deleted.get() > n >> 2) {
            int k = 0;
            for (int i = 0; i < n; i++) {
                RuntimeTimer t = heap[i];
                if (!t.isDone()) heap[k++] = t;
            }
            Arrays.fill(heap, k, n, null);
            n = k;
            deleted.set(0);
            for (int i = (n - 2) >> 2; i >= 0; i--) siftDown(i); // heapify: every parent, last first
        }
        while (n > 0 && heap[0].isDone()) pop(); // (deleted keeps counting it until the next rebuild)
    }

    private void publish() {
        if (n > 0) when0 = heap[0].when;
        count = n;
    }

    private void push(RuntimeTimer t) {
        if (n == heap.length) heap = Arrays.copyOf(heap, n * 2);
        heap[n] = t;
        siftUp(n++);
    }

    private RuntimeTimer pop() {
        RuntimeTimer top = heap[0];
        RuntimeTimer last = heap[--n];
        heap[n] = null;
        if (n > 0) {
            heap[0] = last;
            siftDown(0);
        }
        return top;
    }

    private void siftUp(int i) {
        RuntimeTimer t = heap[i];
        while (i > 0) {
            int p = (i - 1) >> 2;
            if (!t.before(heap[p])) break;
            heap[i] = heap[p];
            i = p;
        }
        heap[i] = t;
    }

    private void siftDown(int i) {
        RuntimeTimer t = heap[i];
        while (true) {
            int c = 4 * i + 1;
            if (c >= n) break;
            int best = c;
            for (int k = c + 1; k < Math.min(c + 4, n); k++) {
                if (heap[k].before(heap[best])) best = k;
            }
            if (!heap[best].before(t)) break;
            heap[i] = heap[best];
            i = best;
        }
        heap[i] = t;
    }
}
