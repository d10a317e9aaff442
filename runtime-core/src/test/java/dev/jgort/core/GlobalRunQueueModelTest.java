package dev.jgort.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.jgort.core.ModelCheck.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link GlobalRunQueue} under Lincheck's model checker, built as {@link GlobalRunQueueTest} builds it
 * (its own {@link SchedLock}): producers ({@code put}, {@code putBatch}, {@code putHead}) and a consumer
 * ({@code pop}), each under the lock, and the lock-free glance at {@code size}.
 */
class GlobalRunQueueModelTest {
    private static final int INVOCATIONS = 1_000;

    @Test
    void producersAndAConsumerUnderTheLock() {
        check(INVOCATIONS, () -> {
            SchedLock lock = new SchedLock();
            GlobalRunQueue q = new GlobalRunQueue(lock);
            G[] gs = gs(4);
            List<G> popped = new ArrayList<>(); // in pop order: the consumer's, then the drain's
            int[] glanced = new int[1];
            inParallel(
                    () -> {
                        lock.lock();
                        q.put(gs[0]);
                        lock.unlock();
                        lock.lock();
                        q.putBatch(new G[] {gs[1], gs[2]}, 2);
                        lock.unlock();
                    },
                    () -> {
                        lock.lock();
                        q.putHead(gs[3]);
                        lock.unlock();
                    },
                    () -> {
                        glanced[0] = q.size();
                        for (int i = 0; i < 2; i++) {
                            lock.lock();
                            G g = q.pop();
                            lock.unlock();
                            if (g != null) popped.add(g);
                        }
                    });
            assertTrue(glanced[0] >= 0 && glanced[0] <= gs.length, "size glanced: " + glanced[0]);
            lock.lock();
            G g;
            while ((g = q.pop()) != null) popped.add(g);
            assertEquals(0, q.size());
            lock.unlock();
            Tally tally = new Tally();
            for (G p : popped) tally.add(p);
            tally.assertExactlyOnce(gs);
            // one producer's tail puts come out in order (the other's putHead goes in front of any)
            assertTrue(popped.indexOf(gs[0]) < popped.indexOf(gs[1]), "popped " + popped);
            assertTrue(popped.indexOf(gs[1]) < popped.indexOf(gs[2]), "popped " + popped);
            assertFalse(lock.isLocked());
        });
    }
}
