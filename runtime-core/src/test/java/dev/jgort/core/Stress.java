package dev.jgort.core;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Stress tests for what Lincheck's model checker cannot see (see {@link NoteModelTest}): the same
 * scenario many rounds over, on the same platform threads, each round's bodies released together by a
 * {@link CyclicBarrier} and checked after all of them finished. No sleeps; bounded by a round count
 * and a time budget; a round that hangs fails the test after its timeout.
 */
final class Stress {
    private Stress() {}

    /** One round: its bodies (one per thread, run together), then its check (on the test's thread). */
    interface Round {
        Runnable[] bodies();

        void check();
    }

    /**
     * Runs up to {@code rounds} rounds of {@code next} (made on the test's thread before each round) or
     * until {@code budgetMillis} have passed; a round's bodies must end within {@code roundTimeoutMillis}.
     *
     * @return the number of rounds run
     */
    static int run(int threads, int rounds, long budgetMillis, long roundTimeoutMillis, Supplier<Round> next)
            throws InterruptedException {
        CyclicBarrier start = new CyclicBarrier(threads + 1), end = new CyclicBarrier(threads + 1);
        AtomicReference<Round> current = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int me = i;
            workers[i] = new Thread(() -> {
                try {
                    while (true) {
                        start.await();
                        Round r = current.get();
                        if (r == null) return; // stop
                        try {
                            r.bodies()[me].run();
                        } catch (Throwable t) {
                            failure.compareAndSet(null, t);
                        }
                        end.await();
                    }
                } catch (InterruptedException | BrokenBarrierException e) {
                    // the test's thread gave up on the round (reported there)
                }
            }, "stress-" + i);
            workers[i].setDaemon(true); // a round that hangs must not keep the JVM
            workers[i].start();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMillis);
        int done = 0;
        try {
            while (done < rounds && System.nanoTime() - deadline < 0) {
                Round r = next.get();
                assertEquals(threads, r.bodies().length);
                current.set(r);
                start.await(roundTimeoutMillis, TimeUnit.MILLISECONDS);
                try {
                    end.await(roundTimeoutMillis, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    fail("round " + done + " did not finish in " + roundTimeoutMillis + " ms (a thread hangs)");
                }
                Throwable t = failure.get();
                if (t != null) fail("round " + done + " threw", t);
                r.check();
                done++;
            }
            current.set(null);
            start.await(roundTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (BrokenBarrierException | TimeoutException e) {
            fail("stress round " + done + ": barrier broken", e);
        } finally {
            for (Thread w : workers) w.interrupt();
        }
        for (Thread w : workers) w.join(roundTimeoutMillis);
        return done;
    }
}
