package dev.jgort.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** Go's TestSchedLocalQueue* (proc_test.go / export_test.go), on {@link LocalRunQueue} alone. */
class LocalRunQueueTest {

    private static G[] gs(int n) {
        G[] gs = new G[n];
        for (int i = 0; i < n; i++) gs[i] = new G(null, i + 1, 0, "g" + i, () -> { });
        return gs;
    }

    private static final LocalRunQueue.Overflow NO_OVERFLOW = (batch, n) -> fail("unexpected overflow of " + n);

    /** Go's TestSchedLocalQueue: FIFO order for every length up to the ring size. */
    @Test
    void schedLocalQueue() {
        LocalRunQueue q = new LocalRunQueue();
        G[] gs = gs(LocalRunQueue.SIZE);
        for (int i = 0; i < LocalRunQueue.SIZE; i++) {
            assertNull(q.get(), "runq is not empty initially");
            for (int j = 0; j < i; j++) q.put(gs[j], false, NO_OVERFLOW);
            for (int j = 0; j < i; j++) {
                assertSame(gs[j], q.getHead(), "bad element at iter " + i + "/" + j);
            }
            assertNull(q.get(), "runq is not empty afterwards");
        }
    }

    /** A taken G leaves no reference behind in either ring (a finished goroutine must be collectable). */
    @Test
    void takenSlotsHoldNoStaleGoroutine() {
        LocalRunQueue p1 = new LocalRunQueue(), p2 = new LocalRunQueue();
        G[] gs = gs(100);
        for (G g : gs) p1.put(g, false, NO_OVERFLOW);
        assertEquals(100, p1.occupiedSlots());
        for (int i = 0; i < 10; i++) assertNotNull(p1.getHead());
        assertEquals(90, p1.occupiedSlots(), "the owner's takes clear their slots");
        assertNotNull(p2.steal(p1, false, false)); // 45 of the 90; one returned, 44 queued on p2
        assertEquals(44, p2.occupiedSlots(), "the G steal returned is not left in the thief's ring");
        while (p1.get() != null) { }
        assertEquals(0, p1.occupiedSlots(), "slots the thief took are cleared when the owner finds the ring empty");
        while (p2.get() != null) { }
        assertEquals(0, p2.occupiedSlots());
    }

    /** Go's TestSchedLocalQueueSteal: a thief takes i/2 or i/2+1, and every G is seen exactly once. */
    @Test
    void schedLocalQueueSteal() {
        LocalRunQueue p1 = new LocalRunQueue(), p2 = new LocalRunQueue();
        G[] gs = gs(LocalRunQueue.SIZE);
        for (int i = 0; i < LocalRunQueue.SIZE; i++) {
            Map<G, Integer> seen = new IdentityHashMap<>();
            for (int j = 0; j < i; j++) p1.put(gs[j], false, NO_OVERFLOW);
            G gp = p2.steal(p1, true, false);
            int s = 0;
            if (gp != null) {
                s++;
                seen.merge(gp, 1, Integer::sum);
            }
            while ((gp = p2.get()) != null) {
                s++;
                seen.merge(gp, 1, Integer::sum);
            }
            while ((gp = p1.get()) != null) seen.merge(gp, 1, Integer::sum);
            for (int j = 0; j < i; j++) assertEquals(1, seen.getOrDefault(gs[j], 0), "g is not seen once");
            assertTrue(s == i / 2 || s == i / 2 + 1, "bad steal: " + s + " of " + i);
        }
    }

    /** Go's TestSchedLocalQueueEmpty: a queue with a G in it never looks empty to another thread. */
    @Test
    void schedLocalQueueEmpty() throws Exception {
        LocalRunQueue q = new LocalRunQueue();
        G[] gs = gs(2);
        AtomicInteger ready = new AtomicInteger();
        AtomicReference<String> failure = new AtomicReference<>();
        for (int i = 0; i < 20_000 && failure.get() == null; i++) {
            ready.set(0);
            boolean next0 = (i & 1) == 0, next1 = (i & 2) == 0;
            q.put(gs[0], next0, NO_OVERFLOW);
            CountDownLatch done = new CountDownLatch(1);
            Thread.ofPlatform().start(() -> {
                ready.incrementAndGet();
                while (ready.get() != 2) Thread.onSpinWait();
                if (q.isEmpty()) failure.set("queue is empty: next0=" + next0 + " next1=" + next1);
                done.countDown();
            });
            ready.incrementAndGet();
            while (ready.get() != 2) Thread.onSpinWait();
            q.put(gs[1], next1, NO_OVERFLOW);
            q.get();
            assertTrue(done.await(60, TimeUnit.SECONDS));
            q.get();
        }
        assertNull(failure.get());
    }

    /** runnext: the newest G runs first and inherits the time slice; the one it displaced goes to the tail. */
    @Test
    void runnextKicksOldOccupantToTail() {
        LocalRunQueue q = new LocalRunQueue();
        G[] gs = gs(3);
        q.put(gs[0], false, NO_OVERFLOW);
        q.put(gs[1], true, NO_OVERFLOW);
        q.put(gs[2], true, NO_OVERFLOW); // gs[1] → tail
        assertEquals(3, q.size());
        assertSame(gs[2], q.getRunnext(), "the newest G is in runnext (it inherits the time slice)");
        assertNull(q.getRunnext());
        assertSame(gs[0], q.getHead());
        assertSame(gs[1], q.getHead(), "the displaced runnext went to the tail");
        assertNull(q.get());
        assertTrue(q.isEmpty());
        // runqget's order: runnext first, then the head
        q.put(gs[0], false, NO_OVERFLOW);
        q.put(gs[1], true, NO_OVERFLOW);
        assertSame(gs[1], q.get());
        assertSame(gs[0], q.get());
        assertNull(q.get());
    }

    /** Go's runqputslow: a full ring sends its older half plus the new G, in order, to the global queue. */
    @Test
    void fullQueueMovesHalfToOverflowInOrder() {
        LocalRunQueue q = new LocalRunQueue();
        G[] gs = gs(LocalRunQueue.SIZE + 1);
        List<G> overflow = new ArrayList<>();
        for (G g : gs) q.put(g, false, (batch, n) -> {
            for (int i = 0; i < n; i++) overflow.add(batch[i]);
        });
        assertEquals(LocalRunQueue.SIZE / 2 + 1, overflow.size());
        for (int i = 0; i < LocalRunQueue.SIZE / 2; i++) assertSame(gs[i], overflow.get(i));
        assertSame(gs[LocalRunQueue.SIZE], overflow.get(LocalRunQueue.SIZE / 2));
        for (int i = LocalRunQueue.SIZE / 2; i < LocalRunQueue.SIZE; i++) assertSame(gs[i], q.get());
        assertNull(q.get());
    }

    /** Stealing runnext happens only when asked (Go: the last of the four steal passes). */
    @Test
    void runnextIsStolenOnlyInTheLastPass() {
        LocalRunQueue victim = new LocalRunQueue(), thief = new LocalRunQueue();
        G[] gs = gs(1);
        victim.put(gs[0], true, NO_OVERFLOW);
        assertNull(thief.steal(victim, false, false));
        assertSame(gs[0], thief.steal(victim, true, true));
        assertTrue(victim.isEmpty());
    }

    /**
     * Stress: the owner puts and gets while two thieves steal; every G comes out exactly once. Run
     * alone, like a model check of the ring's claims.
     */
    @Test
    @Timeout(120)
    void concurrentOwnerAndThievesSeeEveryGOnce() throws Exception {
        final int total = 200_000;
        G[] pool = gs(600);
        LocalRunQueue q = new LocalRunQueue();
        int[] seen = new int[total];
        // A pool G stands for one round at a time: roundOf[slot] is written before the put (which
        // publishes it) and the slot is reused only after a taker cleared busy[slot].
        int[] roundOf = new int[pool.length];
        AtomicBoolean[] busy = new AtomicBoolean[pool.length];
        for (int i = 0; i < pool.length; i++) busy[i] = new AtomicBoolean();
        AtomicInteger taken = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        java.util.function.Consumer<G> take = g -> {
            int slot = (int) g.goid - 1;
            synchronized (seen) {
                seen[roundOf[slot]]++;
            }
            taken.incrementAndGet();
            assertTrue(busy[slot].compareAndSet(true, false), "G taken twice");
        };
        LocalRunQueue.Overflow sink = (batch, n) -> {
            for (int i = 0; i < n; i++) take.accept(batch[i]);
        };
        Runnable thief = () -> {
            LocalRunQueue mine = new LocalRunQueue();
            while (!stop.get()) {
                G g = mine.steal(q, true, true);
                while (g != null) {
                    take.accept(g);
                    g = mine.get();
                }
            }
        };
        Thread t1 = Thread.ofPlatform().start(thief), t2 = Thread.ofPlatform().start(thief);
        for (int round = 0; round < total; round++) {
            int slot = round % pool.length;
            while (busy[slot].get()) {
                G g = q.get();
                if (g != null) take.accept(g);
            }
            roundOf[slot] = round;
            busy[slot].set(true);
            q.put(pool[slot], (round & 3) == 0, sink);
            if ((round & 1) == 0) {
                G g = q.get();
                if (g != null) take.accept(g);
            }
        }
        while (taken.get() < total) {
            G g = q.get();
            if (g != null) take.accept(g);
        }
        stop.set(true);
        t1.join();
        t2.join();
        assertTrue(q.isEmpty());
        synchronized (seen) {
            for (int i = 0; i < total; i++) assertEquals(1, seen[i], "round " + i + " seen " + seen[i] + " times");
        }
    }
}
