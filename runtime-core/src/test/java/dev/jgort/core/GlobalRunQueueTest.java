package dev.jgort.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class GlobalRunQueueTest {

    @Test
    void fifoWithHeadInsertAndBatches() {
        G[] gs = new G[5];
        for (int i = 0; i < gs.length; i++) gs[i] = new G(null, i + 1, 0, "g" + i, () -> { });
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
