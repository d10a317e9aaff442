package dev.jgort.chan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Timers and tickers as Go 1.23 has them, seen from inside the package: a timer or ticker nothing
 * references is collected and leaves the timer queue, fired or not, stopped or not (issue 11,
 * "Channels and timers"; the queue's size is what the timers hold), and a value sent but not received
 * never survives a stop.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimersTest {
    private static final long BOUND_NANOS = TimeUnit.SECONDS.toNanos(60);

    // Go's classic leak before 1.23: for { select { case v := <-c: ...; case <-time.After(time.Minute): } }
    // with c always ready. As in Go 1.23 a timer is queued only while a receiver waits on it, so a
    // million such selects queue no timer at all, and every one is garbage when its select returns.
    @Test
    void afterInALoopOfSelectsThatEndByAnotherCaseQueuesNoTimer() throws InterruptedException {
        Chan<Integer> ready = Chan.make(1);
        int base = TimerQueue.size();
        int maxSeen = 0;
        for (int i = 0; i < 1_000_000; i++) {
            assertTrue(ready.trySend(i));
            int chosen = new Select()
                    .recv(ready, v -> { })
                    .recv(Timer.after(Duration.ofMinutes(1)), v -> fail("a one-minute timeout fired"))
                    .select();
            assertEquals(0, chosen);
            if ((i & 0x3ff) == 0) maxSeen = Math.max(maxSeen, TimerQueue.size() - base);
        }
        assertTrue(maxSeen <= 16, "timers queued during the loop: up to " + maxSeen);
    }

    // The same with selects that wait: the timer is queued while the select waits, and leaves the
    // queue (with the next purge) once another case wins; the queue stays small.
    @Test
    void afterInSelectsThatWaitAndEndByAnotherCaseLeavesTheQueue() throws InterruptedException {
        Chan<Integer> c = Chan.make();
        int base = TimerQueue.size();
        Thread sender = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < 20_000; i++) c.send(i);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        int maxSeen = 0;
        for (int i = 0; i < 20_000; i++) {
            int chosen = new Select()
                    .recv(c, v -> { })
                    .recv(Timer.after(Duration.ofMinutes(1)), v -> fail("a one-minute timeout fired"))
                    .select();
            assertEquals(0, chosen);
            maxSeen = Math.max(maxSeen, TimerQueue.size() - base);
        }
        sender.join();
        assertTrue(maxSeen <= 1_000, "cancelled timers are purged once they are a quarter of the queue: up to " + maxSeen);
    }

    // Go 1.23: time.Tick's ticker, never stopped, is collected once its channel is unreferenced.
    @Test
    void unreferencedTickersAreCollectedWithoutStop() throws InterruptedException {
        int base = TimerQueue.size();
        for (int i = 0; i < 10_000; i++) {
            Ticker.tick(Duration.ofMillis(50)); // dropped at once
        }
        awaitQueueAtMost(base + 100, "10,000 unreferenced tickers to leave the queue");

        // A ticker still referenced keeps ticking through all those collections.
        RecvChan<Instant> kept = Ticker.tick(Duration.ofMillis(5));
        System.gc();
        assertNotNull(kept.recv());
        assertNotNull(kept.recv());
    }

    // A timer someone waits on is reachable through the channel it waits on: it fires, even if the
    // Timer object itself was dropped and collections run meanwhile.
    @Test
    void aTimerWhoseChannelIsWaitedOnFiresThoughTheTimerIsDropped() throws InterruptedException {
        RecvChan<Instant> c = Timer.after(Duration.ofMillis(200));
        Thread collector = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 20; i++) System.gc();
        });
        assertNotNull(c.recv());
        collector.join();
    }

    // Go 1.23: len and cap of a timer's channel are 0, even with the timer due and its value not received.
    @Test
    void aTimersChannelHasLenAndCapZero() throws InterruptedException {
        Timer t = Timer.start(Duration.ZERO); // due at once
        assertEquals(0, t.c().len());
        assertEquals(0, t.c().cap());
        assertNotNull(t.c().recv(), "the fired value is still delivered");
        Ticker k = Ticker.start(Duration.ofHours(1));
        assertEquals(0, k.c().cap());
        k.stop();
    }

    // Go 1.23: a tick sent but not yet received when Stop is called is dropped. (The tick is seen in
    // the channel's buffer, which len() hides for a timer's channel.)
    @Test
    void tickerStopDropsAPendingTick() throws ReflectiveOperationException {
        Ticker tk = Ticker.start(Duration.ofMillis(1));
        VarHandle qcount = MethodHandles.privateLookupIn(Chan.class, MethodHandles.lookup())
                .findVarHandle(Chan.class, "qcount", int.class);
        Chan<?> c = (Chan<?>) tk.c();
        long deadline = System.nanoTime() + BOUND_NANOS;
        try {
            while ((int) qcount.getVolatile(c) == 0) {
                if (System.nanoTime() - deadline > 0) fail("no tick within 60 s");
                Thread.onSpinWait();
            }
        } finally {
            tk.stop();
        }
        assertNull(tk.c().tryRecv(), "a stale tick survived stop()");
    }

    /** Runs collections until the timer queue holds at most {@code n} tasks; fails after 60 s. */
    private static void awaitQueueAtMost(int n, String what) {
        long deadline = System.nanoTime() + BOUND_NANOS;
        while (TimerQueue.size() > n) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what + ": " + TimerQueue.size() + " queued");
            }
            System.gc();
            Thread.onSpinWait();
        }
    }
}
