package dev.jgort.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** {@link AllGs} alone, in the style of Go's TestSchedLocalQueue*: one owner, any remover or reader. */
class AllGsTest {

    /** A G without a thread (a stand-in G is runnable from the start): cheap enough for millions. */
    private static G newG() {
        return new G(null, (M) null);
    }

    /** Moves {@code g} to {@code _Gdead}, as an M's run and goexit0 do. */
    private static void kill(G g) {
        assertTrue(g.casRunningToDead(g.beginRun()));
    }

    private static List<G> seen(AllGs part) {
        List<G> out = new ArrayList<>();
        part.forEach(out::add);
        return out;
    }

    @Test
    void everyAddedGIsSeenInOrderAndARemoveTakesOnlyItsG() {
        AllGs part = new AllGs();
        List<G> gs = new ArrayList<>();
        for (int i = 0; i < 3 * AllGs.MIN_CAPACITY; i++) { // past two copies
            G g = newG();
            gs.add(g);
            part.add(g);
        }
        assertEquals(gs, seen(part));
        List<G> kept = new ArrayList<>();
        for (int i = 0; i < gs.size(); i++) {
            if (i % 3 == 0) AllGs.remove(gs.get(i)); else kept.add(gs.get(i));
        }
        assertEquals(kept, seen(part));
        AllGs.remove(newG()); // never added: nothing happens
        assertEquals(kept, seen(part));
    }

    @Test
    void aFullArrayIsCopiedWithoutItsDeadGsSoTheyDoNotPileUp() {
        AllGs part = new AllGs();
        List<G> live = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            G g = newG();
            part.add(g);
            live.add(g);
            if (live.size() > 10) kill(live.remove(0)); // ends without a remove (it lost a race)
        }
        assertEquals(AllGs.MIN_CAPACITY, part.capacity(), "10 live Gs need no more than the smallest array");
        List<G> seen = seen(part);
        assertTrue(seen.size() <= AllGs.MIN_CAPACITY);
        assertTrue(seen.containsAll(live), "a live G was dropped by a copy");
        for (G g : seen) assertTrue(live.contains(g) || g.status() == G.DEAD);
    }

    @Test
    void aRemoveWithAStaleIndexNeverTakesTheGThatMovedIntoItsSlot() {
        AllGs part = new AllGs();
        List<G> gs = new ArrayList<>();
        for (int i = 0; i < AllGs.MIN_CAPACITY; i++) {
            G g = newG();
            gs.add(g);
            part.add(g);
        }
        G first = gs.getFirst();
        kill(first); // dead, still in the set: the next copy moves gs[1] into its slot 0
        part.add(newG());
        assertEquals(0, first.allgIndex, "the dead G still carries its old index");
        AllGs.remove(first);
        List<G> seen = seen(part);
        assertEquals(AllGs.MIN_CAPACITY, seen.size());
        assertSame(gs.get(1), seen.getFirst());
        assertFalse(seen.contains(first));
        AllGs.remove(gs.get(1)); // found at its new index
        assertFalse(seen(part).contains(gs.get(1)), "a G the copy moved could not be removed");
    }

    @Test
    void movedGsAreSeenInTheirNewPartAndCanBeRemovedThere() {
        AllGs from = new AllGs(), to = new AllGs();
        G a = newG(), b = newG(), c = newG();
        from.add(a);
        from.add(b);
        to.add(c);
        from.moveTo(to);
        assertEquals(List.of(), seen(from));
        assertEquals(List.of(c, a, b), seen(to));
        AllGs.remove(a);
        assertEquals(List.of(c, b), seen(to));
    }

    /**
     * One owner adds and removes (and lets some Gs die unremoved, forcing copies) while a reader walks
     * the set: every walk sees every G that was added before the walk began and never removed. Such
     * keepers are added all along, so copies move them from every part of the array.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aConcurrentWalkSeesEveryGThatStaysIn() throws Exception {
        final int adds = 5_000_000, keepEvery = 1000;
        AllGs part = new AllGs();
        G[] keepers = new G[adds / keepEvery];
        AtomicInteger published = new AtomicInteger(); // keepers[0, published) are in the set
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                for (int walk = 0; !done.get() || walk == 0; walk++) {
                    int k = published.get();
                    Set<G> seen = Collections.newSetFromMap(new IdentityHashMap<>());
                    part.forEach(seen::add);
                    for (int i = 0; i < k; i++) {
                        if (!seen.contains(keepers[i])) throw new AssertionError("walk " + walk + " missed keeper " + i);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        List<G> churn = new ArrayList<>();
        for (int i = 0; i < adds && failure.get() == null; i++) {
            G g = newG();
            part.add(g);
            if (i % keepEvery == 0) {
                keepers[i / keepEvery] = g;
                published.incrementAndGet();
                continue;
            }
            churn.add(g);
            if (churn.size() > 20) {
                G old = churn.remove(i % 7 == 0 ? 0 : churn.size() / 2);
                if (i % 2 == 0) AllGs.remove(old); else kill(old);
            }
        }
        done.set(true);
        reader.join();
        if (failure.get() != null) throw new AssertionError(failure.get());
    }
}
