package dev.jgort.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static dev.jgort.core.ModelCheck.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link AllGs} under Lincheck's model checker: one owner adding (and copying a full array), removers
 * on other threads, a lock-free walker, and two parts racing to add the same G.
 *
 * <p>A copy also runs on a part of 4 slots ({@link #aWalkDuringACopyThatMovesGsDownSeesThemAll}),
 * whose short loops leave the model checker far fewer steps to interleave. (When a copy published its
 * array and its count in two fields, the count first was a bug that neither that check, at 10,000
 * invocations, nor the 64-slot one, nor a stress test of 20,000 rounds found; the array and its count
 * are now published together, in one object.)
 */
class AllGsModelTest {
    private static final int INVOCATIONS = 1_000;
    /** Loops over a full array: see {@link ModelCheck#check(int, int, Runnable)}. */
    private static final int LOOP_BOUND = 4 * AllGs.MIN_CAPACITY;

    /** Moves {@code g} to {@code _Gdead}, as an M's run and goexit0 do (before {@link AllGs#remove}). */
    private static void kill(G g) {
        assertTrue(g.casRunningToDead(g.beginRun()));
    }

    private static List<G> walk(AllGs part) {
        List<G> out = new ArrayList<>();
        part.forEach(out::add);
        return out;
    }

    private static void assertNoDuplicate(List<G> seen) {
        Map<G, Boolean> set = new IdentityHashMap<>();
        for (G g : seen) assertNull(set.put(g, true), "a G seen twice by one walk");
    }

    @Test
    void anAddARemoveAndAWalkInParallel() {
        check(INVOCATIONS, () -> {
            AllGs part = new AllGs();
            G[] gs = gs(3);
            assertTrue(part.add(gs[0]));
            List<G> walked = new ArrayList<>();
            boolean[] added = new boolean[2];
            inParallel(
                    () -> {
                        added[0] = part.add(gs[1]);
                        added[1] = part.add(gs[2]);
                    },
                    () -> {
                        kill(gs[0]);
                        AllGs.remove(gs[0]);
                    },
                    () -> part.forEach(walked::add));
            assertTrue(added[0] && added[1]);
            assertNoDuplicate(walked);
            // the owner publishes in order: a walk that sees the second add sees the first
            if (walked.contains(gs[2])) assertTrue(walked.contains(gs[1]), "walked " + walked);
            assertEquals(List.of(gs[1], gs[2]), walk(part), "the removed G is gone, the added ones are in");
            assertSame(part, gs[1].allgs());
        });
    }

    @Test
    void twoPartsRaceToAddTheSameG() {
        check(INVOCATIONS, () -> {
            AllGs a = new AllGs(), b = new AllGs();
            G g = gs(1)[0];
            boolean[] added = new boolean[2];
            inParallel(() -> added[0] = a.add(g), () -> added[1] = b.add(g));
            assertTrue(added[0] ^ added[1], "exactly one part adds it");
            assertSame(added[0] ? a : b, g.allgs());
            List<G> all = walk(a);
            all.addAll(walk(b));
            assertEquals(List.of(g), all);
        });
    }

    /**
     * A copy moves live Gs to lower indices (the first two of a full part of 4 were removed): a walk
     * racing with it sees both live ones, in the old array or the new one, and the part ends with the
     * live ones and the new G, in order.
     */
    @Test
    void aWalkDuringACopyThatMovesGsDownSeesThemAll() {
        check(INVOCATIONS, () -> {
            AllGs part = new AllGs(4);
            G[] full = gs(4);
            for (G g : full) part.add(g);
            for (int i = 0; i < 2; i++) {
                kill(full[i]);
                AllGs.remove(full[i]);
            }
            G extra = gs(1)[0];
            List<G> walked = new ArrayList<>();
            inParallel(() -> assertTrue(part.add(extra)), () -> part.forEach(walked::add));
            assertNoDuplicate(walked);
            assertTrue(walked.contains(full[2]) && walked.contains(full[3]), "a walk misses live Gs: " + walked);
            assertEquals(List.of(full[2], full[3], extra), walk(part));
        });
    }

    @Test
    void aRemoveAndAWalkWhileTheOwnerCopiesAFullArray() {
        check(INVOCATIONS / 4, LOOP_BOUND, () -> {
            AllGs part = new AllGs();
            G[] full = gs(AllGs.MIN_CAPACITY);
            for (G g : full) part.add(g);
            for (int i = 0; i < full.length; i += 2) { // every other one dies unremoved: the copy drops it
                kill(full[i]);
            }
            G victim = full[1], extra = gs(1)[0];
            List<G> walked = new ArrayList<>();
            inParallel(
                    () -> assertTrue(part.add(extra)), // the array is full: copies the live half
                    () -> {
                        kill(victim);
                        AllGs.remove(victim);
                    },
                    () -> part.forEach(walked::add));
            assertNoDuplicate(walked);
            for (int i = 3; i < full.length; i += 2) {
                assertTrue(walked.contains(full[i]), "a walk misses a live G added before it: #" + i);
            }
            List<G> after = walk(part);
            assertNoDuplicate(after);
            List<G> live = new ArrayList<>();
            for (G g : after) if (g.status() != G.DEAD) live.add(g);
            List<G> expected = new ArrayList<>();
            for (int i = 3; i < full.length; i += 2) expected.add(full[i]);
            expected.add(extra);
            assertEquals(expected, live, "every live G once, in order");
            // the victim may stay (its remove hit the old array), dead; no other dead G does
            assertTrue(after.size() == live.size() || after.size() == live.size() + 1 && after.contains(victim));
            assertTrue(part.capacity() < 2 * AllGs.MIN_CAPACITY, "the copy kept only the live Gs");
        });
    }
}
