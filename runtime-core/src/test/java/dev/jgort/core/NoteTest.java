package dev.jgort.core;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Go's note semantics (lock_futex.go). */
class NoteTest {

    @Test
    void wakeupBeforeSleepReturnsAtOnce() {
        Note n = new Note();
        n.wakeup();
        n.sleep();
        assertTrue(n.isFired());
        assertTrue(n.sleep(1));
    }

    @Test
    void doubleWakeupIsAnError() {
        Note n = new Note();
        n.wakeup();
        IllegalStateException e = assertThrows(IllegalStateException.class, n::wakeup);
        assertTrue(e.getMessage().contains("double wakeup"));
        n.clear();
        n.wakeup(); // re-armed by clear
    }

    @Test
    void timedSleepReportsTimeout() {
        Note n = new Note();
        assertFalse(n.sleep(TimeUnit.MILLISECONDS.toNanos(20)));
        assertFalse(n.isFired());
    }

    @Test
    void wakeupFromAnotherThreadEndsSleep() throws Exception {
        Note n = new Note();
        Thread sleeper = Thread.ofPlatform().start(n::sleep);
        n.wakeup();
        sleeper.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(sleeper.isAlive());
    }

    @Test
    void interruptDoesNotEndSleepButIsKept() throws Exception {
        Note n = new Note();
        boolean[] interruptedAfter = new boolean[1];
        Thread sleeper = Thread.ofPlatform().start(() -> {
            n.sleep();
            interruptedAfter[0] = Thread.currentThread().isInterrupted();
        });
        sleeper.interrupt();
        n.wakeup();
        sleeper.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(sleeper.isAlive());
        assertTrue(interruptedAfter[0]);
    }
}
