package dev.jgort.chan;

import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Waiter}'s claim protocol under Lincheck's model checker (which simulates park, unpark and
 * interrupts): partners racing to claim a select's waiter, and a partner's claim racing the owner's
 * cancel after an interrupt. The owner is the scenario's main thread (a Waiter belongs to the thread
 * that makes it).
 */
class WaiterModelTest {
    private static final int INVOCATIONS = 1_000;

    /** Starts one thread per body, runs {@code owner} here, then joins them. */
    private static void withPartners(Runnable owner, Runnable... partners) {
        Thread[] ts = new Thread[partners.length];
        for (int i = 0; i < partners.length; i++) {
            ts[i] = new Thread(partners[i], "partner" + i);
            ts[i].start();
        }
        owner.run();
        boolean interrupted = false;
        for (Thread t : ts) interrupted |= join(t);
        if (interrupted) Thread.currentThread().interrupt(); // the interrupt scenario's flag, kept for its checks
    }

    /** Joins {@code t} through an interrupt (without a loop: Lincheck warns of one around a catch). */
    private static boolean join(Thread t) {
        try {
            t.join();
            return false;
        } catch (InterruptedException e) {
            join(t);
            return true;
        }
    }

    /** What a partner does under the channel lock when it finds {@code sg} queued: claim, then fire it. */
    private static boolean fire(Sudog sg, Object value) {
        if (!sg.waiter.claim()) return false;
        sg.elem = value;
        sg.success = true;
        sg.waiter.complete(sg);
        LockSupport.unpark(sg.waiter.thread); // after unlocking the channel
        return true;
    }

    @Test
    void twoPartnersRaceToFireASelectAndOneWins() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            Waiter w = new Waiter("select");
            Sudog case0 = new Sudog(w, null, 0, null), case1 = new Sudog(w, null, 1, null);
            w.waitingOn(case0, case1);
            boolean[] won = new boolean[2];
            Sudog[] fired = new Sudog[1];
            withPartners(() -> fired[0] = w.await(),
                    () -> won[0] = fire(case0, "a"),
                    () -> won[1] = fire(case1, "b"));
            assertTrue(won[0] ^ won[1], "exactly one partner claims the waiter");
            assertSame(won[0] ? case0 : case1, fired[0], "the owner sees the case that won");
            assertEquals(won[0] ? "a" : "b", fired[0].elem);
            assertTrue(fired[0].success);
            assertFalse(Thread.interrupted());
        });
    }

    @Test
    void aClaimRacesTheOwnersCancelAndNeitherAValueNorTheInterruptIsLost() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            Waiter w = new Waiter("chan receive");
            Sudog sg = new Sudog(w, null, -1, null);
            w.waitingOn(sg);
            boolean[] won = new boolean[1];
            Sudog[] fired = new Sudog[1];
            Thread owner = Thread.currentThread();
            withPartners(() -> fired[0] = w.await(),
                    () -> won[0] = fire(sg, "v"),
                    owner::interrupt);
            boolean interrupted = Thread.interrupted();
            if (won[0]) {
                assertSame(sg, fired[0], "a claimed operation completes: its value is not lost");
                assertEquals("v", sg.elem);
                assertTrue(interrupted, "the interrupt stays set for the owner's next blocking call");
            } else {
                assertNull(fired[0], "an unclaimed waiter is cancelled by the interrupt");
                assertFalse(interrupted, "the cancel consumed the interrupt (the caller throws)");
            }
        });
    }
}
