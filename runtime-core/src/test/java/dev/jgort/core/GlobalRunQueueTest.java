package dev.jgort.core;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class GlobalRunQueueTest {

    /** {@code n} Gs of no scheduler, goids 1 to n. */
    private static G[] gs(int n) {
        G[] gs = new G[n];
        for (int i = 0; i < n; i++) gs[i] = new G(null, i + 1, 0, "g" + i, () -> { });
        return gs;
    }

    @Test
    void fifoWithHeadInsertAndBatches() {
        G[] gs = gs(5);
        SchedLock lock = new SchedLock();
        GlobalRunQueue q = new GlobalRunQueue(lock);
        lock.lock();
        assertNull(q.pop());
        q.put(gs[1]);
        q.putHead(gs[0]);
        q.putBatch(new G[] {gs[2], gs[3], gs[4]}, 3);
        assertEquals(5, q.size());
        for (G g : gs) assertSame(g, q.pop());
        assertNull(q.pop());
        assertEquals(0, q.size());
        lock.unlock();
    }

    /** takeWoken hands over at most max woken Gs in order, leaves Go's own queue alone, and recounts. */
    @Test
    void takeWokenMovesABatchInOrderAndRecountsOnce() {
        G[] gs = gs(5);
        SchedLock lock = new SchedLock();
        GlobalRunQueue q = new GlobalRunQueue(lock);
        lock.lock();
        try {
            q.put(gs[0]);
            for (int i = 1; i < gs.length; i++) q.putWoken(gs[i]);
            List<G> taken = new ArrayList<>();
            assertEquals(3, q.takeWoken(3, taken::add));
            assertEquals(List.of(gs[1], gs[2], gs[3]), taken);
            assertEquals(1, q.woken());
            assertEquals(2, q.size());
            assertEquals(1, q.takeWoken(10, taken::add), "only what is there");
            assertSame(gs[4], taken.get(3));
            assertEquals(0, q.takeWoken(10, taken::add));
            assertEquals(0, q.woken());
            assertEquals(1, q.size());
            assertSame(gs[0], q.pop(), "Go's own queue is untouched");
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gs readied from outside the scheduler wait in their own FIFO: counted by woken() as well as by
     * size(), taken in order by popWoken(), and by pop() only after Go's own queue.
     */
    @Test
    void wokenGsAreAFifoOfTheirOwnThatPopTakesLast() {
        G[] gs = gs(4);
        SchedLock lock = new SchedLock();
        GlobalRunQueue q = new GlobalRunQueue(lock);
        lock.lock();
        try {
            q.putWoken(gs[2]);
            q.put(gs[0]);
            q.putWoken(gs[3]);
            q.put(gs[1]);
            assertEquals(4, q.size());
            assertEquals(2, q.woken());
            assertSame(gs[2], q.popWoken());
            assertEquals(3, q.size());
            assertEquals(1, q.woken());
            assertSame(gs[0], q.pop());
            assertSame(gs[1], q.pop());
            assertSame(gs[3], q.pop(), "pop() takes the woken FIFO once Go's queue is empty");
            assertNull(q.pop());
            assertNull(q.popWoken());
            assertEquals(0, q.size());
            assertEquals(0, q.woken());
        } finally {
            lock.unlock();
        }
    }

    @Test
    void schedLockIsNotReentrant() {
        SchedLock lock = new SchedLock();
        lock.lock();
        try {
            assertThrows(IllegalStateException.class, lock::lock, "Go's sched.lock is not re-entrant");
        } finally {
            lock.unlock();
        }
        assertFalse(lock.isLocked(), "the refused lock() took nothing");
    }

    @Test
    void methodsAssertTheLockIsHeld() {
        GlobalRunQueue q = new GlobalRunQueue(new SchedLock());
        assertThrows(AssertionError.class, q::pop, "the tests run with -ea: assertLockHeld fires");
    }
}
