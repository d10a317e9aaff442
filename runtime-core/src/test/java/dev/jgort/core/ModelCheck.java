package dev.jgort.core;

import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.LincheckSettings;

import java.util.IdentityHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Helpers for the model-checking tests (issue 11): Lincheck's {@link Lincheck#runConcurrentTest}, the
 * JVM's counterpart of Tokio's loom, runs a scenario many times, each under a different interleaving of
 * its threads (switching at every shared read, write, CAS, park and unpark), and reports the first
 * interleaving that fails an assertion, throws, or deadlocks, with its trace.
 */
final class ModelCheck {
    private ModelCheck() {}

    /** Runs {@code scenario} under {@code invocations} interleavings (Lincheck's model checker). */
    static void check(int invocations, Runnable scenario) {
        Lincheck.runConcurrentTest(invocations, scenario);
    }

    /**
     * {@link #check(int, Runnable)} for scenarios with loops longer than Lincheck's default bound (50
     * iterations, past which it reports a livelock): a full ring is 256 slots, a full AllGs array 64.
     * Lincheck's public entry point takes no settings; this is the one it calls, {@code internal} in
     * Kotlin (hence the mangled name, public in the class file), and may change with the pinned
     * {@code lincheck.version}.
     *
     * <p>Past 10 iterations of one loop Lincheck also takes it for a spin loop and forces a thread
     * switch ("active lock detected"). That is left as it is: raised to the loop's length too, the
     * interleavings of a 64- or 256-step walk are far too many for a few hundred invocations to reach
     * the few that matter (tried on AllGs's copy, see {@link AllGsModelTest}).
     */
    static void check(int invocations, int loopBound, Runnable scenario) {
        LincheckSettings defaults = LincheckSettings.Companion.getDEFAULT();
        LincheckSettings settings = new LincheckSettings(defaults.getAnalyzeStdLib(),
                defaults.getLoopIterationsBeforeThreadSwitch(), loopBound, defaults.getRecursionBound());
        Lincheck.runConcurrentTestInternal$lincheck(invocations, settings, scenario);
    }

    /** Starts one thread per body and joins them all (inside a scenario: Lincheck schedules them). */
    static void inParallel(Runnable... bodies) {
        Thread[] ts = new Thread[bodies.length];
        for (int i = 0; i < bodies.length; i++) {
            ts[i] = new Thread(bodies[i], "t" + i);
            ts[i].start();
        }
        try {
            for (Thread t : ts) t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Stand-in Gs (no virtual thread): cheap to make in every invocation. */
    static G[] gs(int n) {
        G[] gs = new G[n];
        for (int i = 0; i < n; i++) gs[i] = new G(null, (M) null);
        return gs;
    }

    /** Counts, by identity, the Gs taken: each must be in {@code expected} and taken exactly once. */
    static final class Tally {
        private final Map<G, Integer> seen = new IdentityHashMap<>();

        void add(G g) {
            if (g != null) seen.merge(g, 1, Integer::sum);
        }

        void addAll(G[] gs, int n) {
            for (int i = 0; i < n; i++) add(gs[i]);
        }

        void assertExactlyOnce(G... expected) {
            for (int i = 0; i < expected.length; i++) {
                assertEquals(1, seen.getOrDefault(expected[i], 0), "G #" + i + " taken once");
            }
            assertEquals(expected.length, seen.size(), "no G taken that was not put");
        }
    }
}
