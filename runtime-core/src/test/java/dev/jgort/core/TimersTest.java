package dev.jgort.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** {@link Timers}, a P's timer heap, alone: due order, cancels, and procresize's move. */
class TimersTest {
    private static final long T0 = 1_000_000_000L; // a nanoTime base; due times are relative to it

    private static RuntimeTimer timer(long when, List<Integer> log, int id) {
        return new RuntimeTimer(() -> log.add(id), when);
    }

    /** Timers run only once due, in due order, whatever order they were added in. */
    @Test
    void runsTheDueTimersInDueOrder() {
        Timers h = new Timers();
        List<Integer> log = new ArrayList<>();
        Random r = new Random(42);
        int n = 500;
        long[] when = new long[n];
        for (int i = 0; i < n; i++) {
            when[i] = T0 + r.nextInt(1_000_000);
            assertNotEquals(Timers.DEAD, h.add(timer(when[i], log, i)));
        }
        assertEquals(0, h.runDue(T0 - 1), "a timer ran before it was due");
        long half = T0 + 500_000;
        int due = 0;
        for (long w : when) if (w <= half) due++;
        assertEquals(due, h.runDue(half));
        assertEquals(n - due, h.size());
        assertTrue(h.when0() > half, "the earliest left is not due yet");
        assertEquals(n - due, h.runDue(T0 + 1_000_000));
        assertFalse(h.any());
        for (int i = 1; i < n; i++) {
            assertTrue(when[log.get(i - 1)] <= when[log.get(i)], "out of order at " + i);
        }
    }

    /** add says when the new timer is the first due: that is when an M must be made to wake for it. */
    @Test
    void addSaysWhenTheNewTimerIsTheFirstDue() {
        Timers h = new Timers();
        List<Integer> log = new ArrayList<>();
        assertEquals(Timers.EARLIEST, h.add(timer(T0 + 100, log, 0)));
        assertEquals(Timers.ADDED, h.add(timer(T0 + 200, log, 1)));
        assertEquals(Timers.EARLIEST, h.add(timer(T0 + 50, log, 2)));
        assertEquals(T0 + 50, h.when0());
    }

    /**
     * A cancelled timer never runs, and timeouts that are mostly cancelled (a timed park, then an
     * unpark) do not pile up: the heap drops them once they reach the top or pass a quarter of it.
     */
    @Test
    void cancelledTimersNeverRunAndDoNotPileUp() {
        Timers h = new Timers();
        List<Integer> log = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            RuntimeTimer t = timer(T0 + 3_600_000_000_000L + i, log, i); // an hour away
            h.add(t);
            assertTrue(t.cancel(false));
        }
        assertTrue(h.size() <= 32, "cancelled timers piled up: " + h.size());
        RuntimeTimer live = timer(T0 + 10, log, -1);
        h.add(live);
        RuntimeTimer cancelled = timer(T0 + 5, log, -2);
        h.add(cancelled);
        cancelled.cancel(false);
        assertEquals(1, h.runDue(T0 + 3_600_000_000_000L + 20_000));
        assertEquals(List.of(-1), log);
        assertTrue(live.isDone());
    }

    /** The glance fields follow cancels that leave the heap empty, so an idle M does not wake for nothing. */
    @Test
    void aHeapOfCancelledTimersLooksEmptyOnceCleaned() {
        Timers h = new Timers();
        List<Integer> log = new ArrayList<>();
        RuntimeTimer t = timer(T0 + 100, log, 0);
        h.add(t);
        t.cancel(false);
        assertEquals(0, h.runDue(T0)); // not due, but the look drops the cancelled top
        assertFalse(h.any(), "an empty heap still looks as if it held a timer");
    }

    /** procresize: a dying P's live timers move to a survivor, which fires them; the dead heap takes no more. */
    @Test
    void moveToHandsLiveTimersOverAndTakesNoMore() {
        Timers dying = new Timers(), survivor = new Timers();
        List<Integer> log = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            RuntimeTimer t = timer(T0 + i, log, i);
            dying.add(t);
            if (i % 2 == 1) t.cancel(false);
        }
        survivor.add(timer(T0 + 1000, log, 1000));
        dying.moveTo(survivor);
        assertFalse(dying.any());
        assertEquals(Timers.DEAD, dying.add(timer(T0, log, -1)), "a dead heap took a timer");
        assertEquals(51, survivor.runDue(T0 + 1000));
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 100; i += 2) expected.add(i);
        expected.add(1000);
        assertEquals(expected, log);
    }
}
