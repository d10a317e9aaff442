package dev.jgort.core;

import org.junit.jupiter.api.Test;

import static dev.jgort.core.ModelCheck.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link LocalRunQueue} under Lincheck's model checker: one owner (put, put to runnext, get, getHead,
 * getRunnext) against one or two thieves ({@code steal} into their own queue). In every interleaving
 * each G put is taken exactly once, by the owner, a thief, or the overflow, and the queues end empty.
 */
class LocalRunQueueModelTest {
    private static final int INVOCATIONS = 500;
    private static final LocalRunQueue.Overflow NO_OVERFLOW = (batch, n) -> fail("unexpected overflow of " + n);

    /**
     * Drains {@code q} as its owner into {@code tally} and checks that no ring slot keeps a taken G
     * (a loop over the 256 slots: the scenario needs {@link #LOOP_BOUND}).
     */
    private static void drain(LocalRunQueue q, Tally tally) {
        G g;
        while ((g = q.get()) != null) tally.add(g);
        assertTrue(q.isEmpty());
        assertEquals(0, q.size());
        assertEquals(0, q.occupiedSlots(), "a taken G left behind in a ring slot");
    }

    /** Past a ring's length: the checks walk all of it, and a full ring overflows half. */
    private static final int LOOP_BOUND = 2 * LocalRunQueue.SIZE + 10;

    @Test
    void ownerPutsAndGetsWhileAThiefStealsRunnextToo() {
        check(INVOCATIONS, LOOP_BOUND, () -> {
            LocalRunQueue p = new LocalRunQueue(), thief = new LocalRunQueue();
            G[] gs = gs(3);
            G[] owner = new G[2], stolen = new G[1];
            inParallel(
                    () -> {
                        p.put(gs[0], false, NO_OVERFLOW);
                        p.put(gs[1], true, NO_OVERFLOW);
                        p.put(gs[2], true, NO_OVERFLOW); // kicks gs[1] to the tail
                        owner[0] = p.get();
                        owner[1] = p.get();
                    },
                    () -> stolen[0] = thief.steal(p, true, false));
            Tally tally = new Tally();
            tally.add(owner[0]);
            tally.add(owner[1]);
            tally.add(stolen[0]);
            drain(p, tally);
            drain(thief, tally);
            tally.assertExactlyOnce(gs);
        });
    }

    @Test
    void ownerGetsWhileTwoThievesSteal() {
        check(INVOCATIONS, LOOP_BOUND, () -> {
            LocalRunQueue p = new LocalRunQueue(), t1 = new LocalRunQueue(), t2 = new LocalRunQueue();
            G[] gs = gs(4);
            for (G g : gs) p.put(g, false, NO_OVERFLOW);
            G[] got = new G[3];
            inParallel(
                    () -> got[0] = p.getHead(),
                    () -> got[1] = t1.steal(p, false, false),
                    () -> got[2] = t2.steal(p, false, false));
            Tally tally = new Tally();
            for (G g : got) tally.add(g);
            drain(p, tally);
            drain(t1, tally);
            drain(t2, tally);
            tally.assertExactlyOnce(gs);
        });
    }

    @Test
    void ownerPutsWhileAThiefStealsAndThenStealsBack() {
        // The thief's queue gets Gs by steal and gives them back to a steal by the first owner.
        check(INVOCATIONS, LOOP_BOUND, () -> {
            LocalRunQueue p = new LocalRunQueue(), thief = new LocalRunQueue();
            G[] gs = gs(4);
            p.put(gs[0], false, NO_OVERFLOW);
            p.put(gs[1], false, NO_OVERFLOW);
            G[] got = new G[3];
            inParallel(
                    () -> {
                        p.put(gs[2], false, NO_OVERFLOW);
                        p.put(gs[3], true, NO_OVERFLOW);
                        got[0] = p.steal(thief, true, false);
                    },
                    () -> {
                        got[1] = thief.steal(p, true, false);
                        got[2] = thief.getHead();
                    });
            Tally tally = new Tally();
            for (G g : got) tally.add(g);
            drain(p, tally);
            drain(thief, tally);
            tally.assertExactlyOnce(gs);
        });
    }

    @Test
    void aFullRingOverflowsHalfWhileAThiefSteals() {
        check(INVOCATIONS / 4, LOOP_BOUND, () -> {
            LocalRunQueue p = new LocalRunQueue(), thief = new LocalRunQueue();
            G[] gs = gs(LocalRunQueue.SIZE + 1);
            for (int i = 0; i < LocalRunQueue.SIZE; i++) p.put(gs[i], false, NO_OVERFLOW);
            Tally tally = new Tally();
            G[] stolen = new G[1];
            int[] overflows = new int[1];
            inParallel(
                    () -> p.put(gs[LocalRunQueue.SIZE], false, (batch, n) -> {
                        overflows[0]++;
                        assertEquals(LocalRunQueue.SIZE / 2 + 1, n);
                        tally.addAll(batch, n);
                    }),
                    () -> stolen[0] = thief.steal(p, false, false));
            assertTrue(overflows[0] <= 1);
            tally.add(stolen[0]);
            drain(p, tally);
            drain(thief, tally);
            tally.assertExactlyOnce(gs);
        });
    }
}
