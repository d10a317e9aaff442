package dev.jgort.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * A P's local run queue: Go's {@code p.runq} (a 256-slot ring) and {@code p.runnext}.
 *
 * <p>Ownership and races:
 * <ul>
 *   <li>Only the owner (the M holding the P) puts: it writes a slot, then publishes it with a release
 *       store of {@code tail}. Nobody else writes {@code tail}.</li>
 *   <li>Anyone takes from the head: the owner in {@link #getHead()}, thieves in {@link #grab}. A taker reads
 *       {@code head} (acquire) and the slots, then claims them with a CAS of {@code head} (release);
 *       a lost CAS means someone else took them, and the slots read are discarded. A slot is only
 *       rewritten by the owner after {@code head} has moved past it, so a taker whose CAS succeeds
 *       read the right G.</li>
 *   <li>{@code runnext} is a single slot settled by CAS: the owner swaps a G in ({@code put(g, true)}),
 *       the owner or, in the last steal pass, a thief swaps it out.</li>
 * </ul>
 * Indexes are ints that wrap; {@code tail - head} is the length, never more than {@link #SIZE}.
 *
 * <p>A slot a G was taken from is cleared (Go's ring need not: its Gs are reused, and the GC scans
 * them anyway), so a finished goroutine and its thread are not kept alive by a stale slot. Only the
 * owner writes slots: it clears a slot it took itself at once, and the slots thieves took
 * ({@code [cleared, head)}) when it next finds the ring empty. Clearing a slot a thief is reading is
 * harmless: the thief's CAS of {@code head} then fails (the slot is behind it), and what it read is
 * discarded.
 */
final class LocalRunQueue {
    /** Go's {@code len(p.runq)}. */
    static final int SIZE = 256;
    private static final int MASK = SIZE - 1;

    /** Where a full ring sends half of itself (Go: {@code runqputslow} → {@code globrunqputbatch}). */
    interface Overflow {
        /** Takes {@code n} Gs, {@code batch[0]} first (must not block the caller for long). */
        void putGlobalBatch(G[] batch, int n);
    }

    private final G[] ring = new G[SIZE];
    @SuppressWarnings("unused") private volatile int head; // taken by CAS (HEAD)
    @SuppressWarnings("unused") private volatile int tail; // written by the owner only (TAIL)
    @SuppressWarnings("unused") private volatile G runnext; // settled by CAS (RUNNEXT)
    /** Owner-only: the slots before this index (and from {@code cleared - SIZE}) hold no stale G. */
    private int cleared;

    private static final VarHandle HEAD, TAIL, RUNNEXT, SLOT;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(LocalRunQueue.class, "head", int.class);
            TAIL = l.findVarHandle(LocalRunQueue.class, "tail", int.class);
            RUNNEXT = l.findVarHandle(LocalRunQueue.class, "runnext", G.class);
            SLOT = MethodHandles.arrayElementVarHandle(G[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Go's {@code runqput}: owner only. With {@code next}, {@code gp} takes {@code runnext} and its old
     * occupant goes to the tail. A full ring moves half of itself and the G to {@code overflow}.
     */
    void put(G gp, boolean next, Overflow overflow) {
        if (next) {
            G old = (G) RUNNEXT.getAndSet(this, gp); // Go's CAS loop, in one atomic swap
            if (old == null) return;
            gp = old; // kick the old runnext to the tail
        }
        while (true) {
            int h = (int) HEAD.getAcquire(this); // synchronizes with takers' CAS
            int t = (int) TAIL.getOpaque(this);  // our own
            if (t - h < SIZE) {
                SLOT.setRelease(ring, t & MASK, gp);
                TAIL.setRelease(this, t + 1); // publishes the slot to takers
                return;
            }
            if (putSlow(gp, h, t, overflow)) return;
            // the queue is not full any more (a thief took some): retry the fast path
        }
    }

    /** Go's {@code runqputslow}: moves half the ring plus {@code gp} to the overflow. Owner only. */
    private boolean putSlow(G gp, int h, int t, Overflow overflow) {
        int n = (t - h) / 2;
        if (n != SIZE / 2) throw new IllegalStateException("runqputslow: queue is not full");
        G[] batch = new G[n + 1];
        for (int i = 0; i < n; i++) {
            batch[i] = (G) SLOT.getAcquire(ring, (h + i) & MASK);
        }
        if (!HEAD.compareAndSet(this, h, h + n)) return false; // thieves took some: it is not full
        batch[n] = gp;
        overflow.putGlobalBatch(batch, n + 1);
        return true;
    }

    /**
     * Go's {@code runqget}, in the order it takes Gs: {@link #getRunnext()}, else {@link #getHead()}.
     * Owner only. (The scheduler calls the two itself: Go's second result, {@code inheritTime}, is
     * whether the G came from runnext.)
     */
    G get() {
        G gp = getRunnext();
        return gp != null ? gp : getHead();
    }

    /**
     * {@code runqget}'s first step: takes {@code runnext} (null if empty); such a G inherits the current
     * time slice. Owner only (a thief takes runnext in {@link #grab}).
     */
    G getRunnext() {
        G next = (G) RUNNEXT.getVolatile(this);
        return next != null && RUNNEXT.compareAndSet(this, next, null) ? next : null;
    }

    /** {@code runqget}'s second step: takes the head of the ring (null if empty). Owner only. */
    G getHead() {
        while (true) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getOpaque(this);
            if (t == h) {
                clearTaken(h);
                return null;
            }
            G gp = (G) SLOT.getAcquire(ring, h & MASK);
            if (HEAD.compareAndSet(this, h, h + 1)) { // commits the take
                SLOT.setOpaque(ring, h & MASK, (G) null);
                return gp;
            }
        }
    }

    /** Owner only, with the ring empty at {@code head}: clears the slots thieves took since the last call. */
    private void clearTaken(int head) {
        int n = Math.min(head - cleared, SIZE);
        for (int i = head - n; i != head; i++) SLOT.setOpaque(ring, i & MASK, (G) null);
        cleared = head;
    }

    /**
     * For goroutine dumps: calls {@code action} with {@code runnext} and the Gs between head and tail,
     * read racily from any thread (a G taken meanwhile may be seen, or one put meanwhile missed; callers
     * check the status). Never modifies the queue.
     */
    void forEach(Consumer<G> action) {
        G next = (G) RUNNEXT.getVolatile(this);
        if (next != null) action.accept(next);
        int h = (int) HEAD.getAcquire(this);
        int t = (int) TAIL.getAcquire(this);
        for (int i = h, n = Math.min(t - h, SIZE); n > 0; i++, n--) {
            G gp = (G) SLOT.getAcquire(ring, i & MASK);
            if (gp != null) action.accept(gp);
        }
    }

    /** For tests: how many ring slots hold a G (live or stale). */
    int occupiedSlots() {
        int n = 0;
        for (int i = 0; i < SIZE; i++) if (SLOT.getAcquire(ring, i) != null) n++;
        return n;
    }

    /**
     * Go's {@code runqgrab}: takes {@code n - n/2} Gs from this queue's head into
     * {@code batch[batchHead..]} (a ring of {@link #SIZE}). With {@code stealRunNext} and an empty ring,
     * takes {@code runnext}, first giving a running owner ~3 µs to take it itself.
     *
     * <p>A try whose CAS fails has copied Gs into {@code batch} beyond the caller's tail; before it returns,
     * the slots past the ones taken are cleared, so no stale G is kept alive there (found by
     * LocalRunQueueModelTest: a lost CAS, then a smaller take, left one behind).
     *
     * @return the number of Gs taken
     */
    int grab(G[] batch, int batchHead, boolean stealRunNext, boolean ownerRunning) {
        int written = 0; // batch slots written by tries so far
        while (true) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this); // synchronizes with the owner's publication
            int n = t - h;
            n = n - n / 2;
            if (n == 0) {
                if (stealRunNext) {
                    G next = (G) RUNNEXT.getVolatile(this);
                    if (next != null) {
                        if (ownerRunning) {
                            // The owner is about to schedule it, most likely: readying a G and then
                            // blocking is the common pattern, and stealing it would just move it.
                            usleep(3);
                        }
                        if (!RUNNEXT.compareAndSet(this, next, null)) continue;
                        SLOT.setRelease(batch, batchHead & MASK, next);
                        clearBatch(batch, batchHead, 1, written);
                        return 1;
                    }
                }
                clearBatch(batch, batchHead, 0, written);
                return 0;
            }
            if (n > SIZE / 2) continue; // h and t read at different times: inconsistent, retry
            for (int i = 0; i < n; i++) {
                G g = (G) SLOT.getAcquire(ring, (h + i) & MASK);
                SLOT.setRelease(batch, (batchHead + i) & MASK, g);
            }
            written = Math.max(written, n);
            if (HEAD.compareAndSet(this, h, h + n)) { // commits the take
                clearBatch(batch, batchHead, n, written);
                return n;
            }
        }
    }

    /** Clears {@code batch[batchHead + from .. batchHead + to)}: slots beyond the thief's tail, its own. */
    private static void clearBatch(G[] batch, int batchHead, int from, int to) {
        for (int i = from; i < to; i++) SLOT.setOpaque(batch, (batchHead + i) & MASK, (G) null);
    }

    /**
     * Go's {@code runqsteal}: the owner of this queue steals half of {@code victim}'s into its own ring
     * and returns one of them to run (null if none).
     */
    G steal(LocalRunQueue victim, boolean stealRunNext, boolean victimRunning) {
        int t = (int) TAIL.getOpaque(this);
        int n = victim.grab(ring, t, stealRunNext, victimRunning);
        if (n == 0) return null;
        n--;
        G gp = (G) SLOT.getAcquire(ring, (t + n) & MASK);
        SLOT.setOpaque(ring, (t + n) & MASK, (G) null); // returned, not queued: beyond the tail, ours to clear
        if (n == 0) return gp;
        int h = (int) HEAD.getAcquire(this);
        if (t - h + n >= SIZE) throw new IllegalStateException("runqsteal: runq overflow");
        TAIL.setRelease(this, t + n); // publishes the stolen Gs
        return gp;
    }

    /** Go's {@code runqempty}: whether both the ring and runnext are empty (safe from any thread). */
    boolean isEmpty() {
        // Read head, tail, runnext, then tail again: a put that moved runnext to the tail between
        // the reads would otherwise make a non-empty queue look empty.
        while (true) {
            int h = (int) HEAD.getVolatile(this);
            int t = (int) TAIL.getVolatile(this);
            G next = (G) RUNNEXT.getVolatile(this);
            if ((int) TAIL.getVolatile(this) == t) return h == t && next == null;
        }
    }

    /** Go's {@code runqsize} plus runnext: a snapshot for traces and stats. */
    int size() {
        int h = (int) HEAD.getVolatile(this);
        int t = (int) TAIL.getVolatile(this);
        int n = Math.max(0, Math.min(t - h, SIZE));
        return n + (RUNNEXT.getVolatile(this) != null ? 1 : 0);
    }

    /**
     * Removes every G, runnext first (Go's {@code procresize} drains a dying P this way). Owner only, or
     * with the world stopped.
     */
    int drainTo(G[] out) {
        int n = 0;
        G next = (G) RUNNEXT.getAndSet(this, (G) null);
        if (next != null) out[n++] = next;
        G gp;
        while ((gp = getHead()) != null) out[n++] = gp;
        return n;
    }

    /**
     * Go's {@code usleep}: a real sleep of the M's thread, not a spin. On Linux the kernel's timer slack
     * (50 µs by default) makes Go's {@code usleep(3)} last tens of microseconds, and so does this.
     */
    private static void usleep(long micros) {
        java.util.concurrent.locks.LockSupport.parkNanos(micros * 1000);
    }
}
