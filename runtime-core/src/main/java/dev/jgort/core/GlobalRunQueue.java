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
 * <p>It holds two FIFOs. {@code q} is Go's {@code sched.runq}: Gs that yielded with {@code Gosched}, a
 * full local queue's overflow, Gs a stopping P left. {@code woken} holds the Gs readied by a thread
 * that holds no P: the JDK's timer threads ({@code Thread.sleep}), its socket pollers, jgort's timer
 * threads, any platform thread. Go has no such Gs: its timers fire on a P ({@code checkTimers} in
 * {@code schedule}) and its network poller's Gs are injected by the scheduler itself
 * ({@code injectglist}), so they reach a busy P within one round. Here those wake-ups come from
 * threads outside the scheduler, and a busy P reads {@code q} only every 61 schedticks: beside
 * goroutines that yield every 50 µs, 2.5 ms at the median and 9 ms at p99 (bench/README, "Wake-up
 * latency"). So every P looks at {@link #woken} once a round, one volatile read, and takes its share
 * to its local queue's tail ({@link Sched#injectWoken}): the G runs within one pass over that P's
 * local queue, and the local queue's Gs still run in order, however fast the wake-ups come. Every
 * other reader sees both FIFOs as one queue ({@link #size}, {@link #pop}: {@code q} first).
 *
 * <p>Guarded by {@link Sched#lock}: every method but {@link #size} and {@link #woken} must be called
 * with it held (asserted, as Go's {@code assertLockHeld}). Those two are also written under the lock
 * but volatile, so the scheduler may glance at them without the lock (Go reads {@code sched.runqsize}
 * the same way) before deciding to take the lock.
 */
final class GlobalRunQueue {
    private final ArrayDeque<G> q = new ArrayDeque<>();
    private final ArrayDeque<G> woken = new ArrayDeque<>();
    /** Both FIFOs' Gs. */
    private volatile int size;
    /** {@code woken}'s Gs: read once a round by every P, so written only when {@code woken} changes. */
    private volatile int wokenSize;
    private final SchedLock lock;

    GlobalRunQueue(SchedLock lock) {
        this.lock = lock;
    }

    /** Both FIFOs' Gs. A glance without the lock; exact only under it. */
    int size() {
        return size;
    }

    /** The Gs readied from outside the scheduler and not yet taken. A glance without the lock. */
    int woken() {
        return wokenSize;
    }

    /** Readied by a thread holding no P: to {@code woken}'s tail. Must hold the lock. */
    void putWoken(G gp) {
        lock.assertHeld();
        woken.addLast(gp);
        wokenSize = woken.size();
        recount();
    }

    /** Takes {@code woken}'s head, or null. Must hold the lock. */
    G popWoken() {
        lock.assertHeld();
        G gp = woken.pollFirst();
        if (gp != null) {
            wokenSize = woken.size();
            recount();
        }
        return gp;
    }

    /**
     * Takes up to {@code max} of {@code woken}'s Gs, head first, handing each to {@code to}, and
     * publishes both counts once for the batch: two volatile stores per G taken, on a line that every
     * P reads once a round and the readying threads write, were a tenth of the Ms' samples in a burst
     * of 5,000 wake-ups (bench/README, "Timer bursts"). Must hold the lock, and {@code to} runs with it
     * held, so it must not take it ({@link SchedLock} is not re-entrant): {@code injectWoken}'s
     * {@code runqput} never overflows to the global queue, because it takes no more than its ring has
     * room for. Between the first take and the publication, {@link #size} and {@link #woken} overstate
     * what is queued; a glance may see that, an exact reader holds the lock and cannot.
     *
     * @return the number of Gs taken
     */
    int takeWoken(int max, Consumer<G> to) {
        lock.assertHeld();
        int n = 0;
        for (G gp; n < max && (gp = woken.pollFirst()) != null; n++) to.accept(gp);
        if (n > 0) {
            wokenSize = woken.size();
            recount();
        }
        return n;
    }

    /**
     * Publishes {@link #size} after a change of either FIFO. {@link #wokenSize} is written apart, by
     * the methods that change {@code woken} only: every P reads it once a round, and a store, even
     * of the same value, would take its cache line from all of them.
     */
    private void recount() {
        size = q.size() + woken.size();
    }

    /** Go's {@code globrunqput}: to the tail. Must hold the lock. */
    void put(G gp) {
        lock.assertHeld();
        q.addLast(gp);
        recount();
    }

    /** Go's {@code globrunqputhead}: to the head. Must hold the lock. */
    void putHead(G gp) {
        lock.assertHeld();
        q.addFirst(gp);
        recount();
    }

    /** Go's {@code globrunqputbatch}: {@code batch[0..n)} to the tail, in order. Must hold the lock. */
    void putBatch(G[] batch, int n) {
        lock.assertHeld();
        for (int i = 0; i < n; i++) q.addLast(batch[i]);
        recount();
    }

    /** Calls {@code action} with each queued G, head first ({@code q}, then {@code woken}). Must hold the lock. */
    void forEach(Consumer<G> action) {
        lock.assertHeld();
        q.forEach(action);
        woken.forEach(action);
    }

    /** Takes the head ({@code q}'s, else {@code woken}'s), or null. Must hold the lock. */
    G pop() {
        lock.assertHeld();
        G gp = q.pollFirst();
        if (gp == null) return popWoken();
        recount();
        return gp;
    }
}
