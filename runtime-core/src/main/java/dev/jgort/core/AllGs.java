package dev.jgort.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * One part of Go's {@code allgs}: the goroutines that have unmounted at least once (parked or yielded),
 * for deadlock reports, detail traces and {@code shutdownNow}. Gs that run to completion without ever
 * unmounting never enter it, which keeps spawn-heavy work cheap; they are found on the run queues or
 * the Ms meanwhile.
 *
 * <p>Go's allgs is one slice behind a lock, cheap because Go reuses dead Gs. jgort's Gs are not reused,
 * so a set with a remove per G would sit on every first park and every exit (it was ~9% of skynet's
 * samples as a ConcurrentHashMap). Instead each P has one of these, plus one under {@code sched.lock}
 * for Ms without a P and for the Gs of Ps that {@code procresize} frees.
 *
 * <p>Who does what:
 * <ul>
 *   <li>{@link #add}: one writer, the owner (the M holding the P, or whoever holds {@code sched.lock}
 *       for the lock's part). A G is added once: the adder first claims it by CAS of
 *       {@link G#allgs()} from null to {@link #CLAIMING} (two Ms can both see a G's first unmount: the
 *       G can be readied, stolen and parked elsewhere before its first M looks). The owner then writes
 *       the G's index and slot, publishes the G's part with a volatile store (a remover that sees the
 *       part sees the slot), and finally the array's count {@link Slots#n} with a release store. When
 *       the array is full it first copies the live entries, in order, into a new array (twice their
 *       number, at least {@link #minCapacity}) and publishes that with its count, in one
 *       {@link Slots}: an array is never rewritten in place except for appends to free slots and
 *       removals, so a walker never misses a G that stays in it.</li>
 *   <li>{@link #remove}: any thread (the M the G ended on). It reads the G's part, then that part's
 *       array, then the G's index, and clears the slot by CAS only if it still holds that G. The index
 *       may be stale (a copy moved the G, or abandoned the array); then the CAS fails or hits an old
 *       array, and the dead G stays until the next copy drops it. No other G is ever removed. A G
 *       still being added ({@link #CLAIMING}) is left to its adder, which re-checks for death after
 *       publishing (Sched.execute).</li>
 *   <li>{@link #forEach}: any thread, without locks. It sees every G added before the call and still in
 *       the set; it may see dead Gs, and (while {@code procresize} moves Gs) a G twice. Readers filter
 *       on the G's status.</li>
 * </ul>
 * <p>The set holds its Gs (and so their virtual threads and stacks) strongly, as Go's allgs does: a
 * goroutine parked forever that nothing else references is kept, and shows in dumps and deadlock
 * reports, as a leaked goroutine does in Go. The JDK's own scheduler does the same by default
 * ({@code jdk.trackAllThreads=true}); with {@code -Djdk.trackAllThreads=false} it lets such a virtual
 * thread be collected, and jgort does not follow it there: a weakly held G would vanish from the
 * goroutine count that deadlock detection and {@code close()} rely on (a G that is collected never
 * exits).
 *
 * <p>An array grows and shrinks only when it fills: after a burst of many parked goroutines the array
 * keeps its size (mostly cleared slots) until the next copy.
 */
final class AllGs {
    static final int MIN_CAPACITY = 64;

    /** The part of a G whose adder has claimed it but not yet published it. */
    static final AllGs CLAIMING = new AllGs();

    /**
     * One array and how many of its slots have been written, replaced together by a copy: a walker's
     * one volatile read of {@link #slots} gives it an array and that array's own count, never another
     * array's (with the array and the count in two fields, a copy had to publish the array before the
     * count, and a walk between the two stores in the other order missed live Gs: a window no model
     * check or stress test found).
     */
    private static final class Slots {
        final G[] a;
        /**
         * Slots [0, n) of {@link #a} have been written (some may be cleared since). Written by the owner
         * with release stores (its initial value is published with the Slots), read by walkers with
         * volatile loads.
         */
        @SuppressWarnings("unused") int n;

        Slots(G[] a, int n) {
            this.a = a;
            this.n = n;
        }
    }

    /** The smallest array: {@link #MIN_CAPACITY}, or less in model checks (short copy loops). */
    private final int minCapacity;
    /** The current array and its count: replaced by the owner, an array never shrunk in place. */
    private volatile Slots slots;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(G[].class);
    private static final VarHandle N;
    static {
        try {
            N = MethodHandles.lookup().findVarHandle(Slots.class, "n", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    AllGs() {
        this(MIN_CAPACITY);
    }

    /** A part whose arrays hold at least {@code minCapacity} Gs (tests: a copy after a few adds). */
    AllGs(int minCapacity) {
        this.minCapacity = minCapacity;
        this.slots = new Slots(new G[minCapacity], 0);
    }

    /**
     * Adds {@code gp} unless some part already has it (or is adding it). Owner only.
     *
     * @return whether this call added it
     */
    boolean add(G gp) {
        if (!gp.claimAllgs()) return false;
        append(gp);
        return true;
    }

    /** Writes {@code gp} (claimed, or moved here) into the next slot and publishes it. Owner only. */
    private void append(G gp) {
        Slots s = slots;
        int k = (int) N.getOpaque(s); // the owner's own value
        if (k == s.a.length) {
            s = copyLive(s.a, k);
            k = s.n;
        }
        gp.allgIndex = k;
        SLOT.setRelease(s.a, k, gp);
        gp.publishAllgs(this);
        N.setRelease(s, k + 1);
    }

    /**
     * Copies the live entries of {@code a[0, k)} into a new array, in order (so each G moves to a lower
     * index or stays), and publishes it with its count. Owner only. @return the new slots
     */
    private Slots copyLive(G[] a, int k) {
        int live = 0;
        for (int i = 0; i < k; i++) {
            G g = (G) SLOT.getAcquire(a, i);
            if (g != null && g.status() != G.DEAD) live++;
        }
        G[] b = new G[Math.max(minCapacity, 2 * live + 2)];
        int j = 0;
        for (int i = 0; i < k && j < live; i++) {
            G g = (G) SLOT.getAcquire(a, i);
            if (g != null && g.status() != G.DEAD) {
                g.allgIndex = j; // before the volatile store of slots: a remover reading slots first sees it
                b[j++] = g;
            }
        }
        Slots s = new Slots(b, j);
        slots = s;
        return s;
    }

    /** The current array's length (tests: dead Gs do not pile up). */
    int capacity() {
        return slots.a.length;
    }

    /** Removes {@code gp} if it is still where it was put. Any thread. */
    static void remove(G gp) {
        AllGs part = gp.allgs();
        if (part == null || part == CLAIMING) return;
        G[] a = part.slots.a;
        int i = gp.allgIndex;
        if (i < a.length) SLOT.compareAndSet(a, i, gp, null);
    }

    /** Moves every G here to {@code to} ({@code procresize}: world stopped, lock held, both parts ours). */
    void moveTo(AllGs to) {
        forEach(to::append);
        slots = new Slots(new G[minCapacity], 0);
    }

    /**
     * Calls {@code action} with each G in the set (and possibly some dead ones). Any thread. It reads
     * {@link #slots}, then that array's count: every G added before the call and still in the set is
     * in that array below that count (a copy that comes later leaves the old array as it was, but for
     * removals).
     */
    void forEach(Consumer<G> action) {
        Slots s = slots;
        G[] a = s.a;
        int k = (int) N.getVolatile(s);
        for (int i = 0, end = Math.min(k, a.length); i < end; i++) {
            G g = (G) SLOT.getAcquire(a, i);
            if (g != null) action.accept(g);
        }
    }
}
