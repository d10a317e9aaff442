package dev.jgort.core.api;

import dev.jgort.api.DeadlockException;
import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.chan.Chan;
import dev.jgort.chan.RecvChan;
import dev.jgort.chan.Select;
import dev.jgort.chan.Ticker;
import dev.jgort.chan.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.jgort.core.api.GoTestSupport.awaitParked;
import static dev.jgort.core.api.GoTestSupport.config;
import static dev.jgort.core.api.GoTestSupport.inGoroutine;
import static dev.jgort.core.api.GoTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Timer} and {@link Ticker}: Go's {@code time.Timer}, {@code time.After} and
 * {@code time.Ticker} semantics (with Go 1.23's "no stale value after Stop/Reset"). Nothing here
 * asserts how long anything took: a receive is only bounded, as a hang detector.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimerTest {

    // Go: TestAfter: <-time.After(d) receives a time.
    @Test
    void after_firesAndIsReceived() throws Exception {
        try (GoRuntime rt = start(2)) {
            RecvChan<Instant> c = Timer.after(Duration.ofMillis(1));
            assertEquals(0, c.cap(), "Go 1.23: a timer's channel has capacity 0");
            Instant fired = inGoroutine(rt, c::recv);
            assertNotNull(fired);
            assertNull(c.tryRecv(), "a timer sends once");
        }
    }

    // Go: a timeout in a select: select { case <-never: case <-time.After(10ms): } picks the timeout.
    @Test
    void select_withNeverReadyChanAndAfter_picksTheTimeout() throws Exception {
        try (GoRuntime rt = start(2)) {
            Chan<Integer> never = Chan.make();
            List<Instant> got = new ArrayList<>();
            int chosen = inGoroutine(rt, () -> new Select()
                    .recv(never, v -> fail("received " + v))
                    .recv(Timer.after(Duration.ofMillis(10)), got::add)
                    .select());
            assertEquals(1, chosen);
            assertEquals(1, got.size());
            assertNotNull(got.get(0));
            assertFalse(never.trySend(1), "the select left a receiver on the never-ready chan");
        }
    }

    // Go: TestTimerStopStress / Timer.Stop: stopping an active timer returns true, stopping it again
    // false; a stopped timer's channel is empty.
    @Test
    void stop_activeTimerReturnsTrueThenFalse() {
        Timer t = Timer.start(Duration.ofHours(1));
        assertTrue(t.stop(), "stop() of an active timer");
        assertFalse(t.stop(), "stop() of a stopped timer");
        assertNull(t.c().tryRecv());
    }

    // Go: Timer.Reset: reset(0) on a long timer reports it was active and makes it fire now.
    @Test
    void reset_toZeroMakesALongTimerFire() throws Exception {
        try (GoRuntime rt = start(2)) {
            Timer t = Timer.start(Duration.ofHours(1));
            assertTrue(t.reset(Duration.ZERO), "reset() of an active timer");
            assertNotNull(inGoroutine(rt, t.c()::recv));
            assertFalse(t.stop(), "the timer has fired");
        }
    }

    // Go 1.23: Stop of a timer whose time has come but whose value nobody received returns true: the
    // value was never delivered (and the idiom `if !t.Stop() { <-t.C }` cannot hang); none is received
    // afterwards.
    @Test
    void stop_afterItsTimeBeforeReceive_returnsTrueAndNoValueFollows() {
        Timer t = Timer.start(Duration.ZERO);
        assertTrue(t.stop(), "stop() of a due timer whose value was not received");
        assertFalse(t.stop(), "stop() of a stopped timer");
        assertNull(t.c().tryRecv(), "a stale value survived stop()");
        assertEquals(0, t.c().len());
    }

    // Go 1.23: the same for Reset: after it returns, no stale value; the timer is active again.
    @Test
    void reset_afterItsTimeBeforeReceive_returnsTrueAndNoValueFollows() {
        Timer t = Timer.start(Duration.ZERO);
        assertTrue(t.reset(Duration.ofHours(1)), "reset() of a due timer whose value was not received");
        assertNull(t.c().tryRecv(), "a stale value survived reset()");
        assertTrue(t.stop(), "reset() made the timer active again");
    }

    // A due timer's value is there for a receive that does not wait (Go's maybeRunChan), once.
    @Test
    void aDueTimersValueIsReceivedWithoutWaitingOnce() {
        Timer t = Timer.start(Duration.ZERO);
        assertNotNull(t.c().tryRecv(), "a due timer's value");
        assertNull(t.c().tryRecv(), "a timer sends once");
        assertFalse(t.stop(), "stop() after the value was received");
    }

    // Go's checkdead: while a timer is pending, goroutines waiting for it are not deadlocked.
    @Test
    void goroutineWaitingForAPendingTimer_isNoDeadlock() throws Exception {
        AtomicReference<Instant> got = new AtomicReference<>();
        GoRuntime rt = GoRuntime.start(config(1).withDeadlockGrace(Duration.ofMillis(50)));
        try {
            RecvChan<Instant> c = Timer.after(Duration.ofMillis(500));
            rt.go(() -> {
                try {
                    got.set(c.recv());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            rt.close(); // waits for the goroutine: the timer wakes it, no DeadlockException before
        } finally {
            rt.shutdownNow();
        }
        assertNotNull(got.get());
    }

    // An armed timer nobody waits on does not hide a deadlock elsewhere.
    @Test
    void armedTimerNobodyWaitsOn_doesNotHideADeadlock() throws Exception {
        Timer unrelated = Timer.start(Duration.ofHours(1));
        GoRuntime rt = GoRuntime.start(config(1).withDeadlockGrace(Duration.ofMillis(50)));
        try {
            Chan<Integer> never = Chan.make();
            Goroutine g = rt.go(() -> {
                try {
                    never.recv();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            awaitParked(g, "chan receive");
            assertThrows(DeadlockException.class, rt::close);
        } finally {
            rt.shutdownNow();
            unrelated.stop();
        }
    }

    // Go: NewTimer with a negative duration fires at once.
    @Test
    void start_negativeDurationFires() throws Exception {
        try (GoRuntime rt = start(2)) {
            Timer t = Timer.start(Duration.ofSeconds(-1));
            assertNotNull(inGoroutine(rt, t.c()::recv));
        }
    }

    // Go: TestTicker: a ticker delivers tick after tick, times not going backwards; after Stop the
    // channel is empty.
    @Test
    void ticker_deliversTicksInOrderAndStops() throws Exception {
        try (GoRuntime rt = start(2)) {
            Ticker tk = Ticker.start(Duration.ofMillis(1));
            try {
                List<Instant> ticks = inGoroutine(rt, () -> {
                    List<Instant> l = new ArrayList<>();
                    for (int i = 0; i < 3; i++) l.add(tk.c().recv());
                    return l;
                });
                assertEquals(3, ticks.size());
                for (int i = 1; i < ticks.size(); i++) {
                    assertFalse(ticks.get(i).isBefore(ticks.get(i - 1)), "tick times went backwards: " + ticks);
                }
            } finally {
                tk.stop();
            }
            assertNull(tk.c().tryRecv(), "a tick was received after stop()");
        }
    }

    // Go: NewTicker panics "non-positive interval for NewTicker"; Reset too.
    @Test
    void ticker_nonPositivePeriodThrowsIllegalArgumentException() {
        assertThrows(IllegalArgumentException.class, () -> Ticker.start(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Ticker.start(Duration.ofMillis(-1)));
        Ticker tk = Ticker.start(Duration.ofHours(1));
        try {
            assertThrows(IllegalArgumentException.class, () -> tk.reset(Duration.ZERO));
        } finally {
            tk.stop();
        }
    }

    // Go: time.AfterFunc. From a goroutine, the function runs in a new goroutine of the same runtime;
    // Stop before it fired returns true, after it ran false; Reset makes it run again.
    @Test
    void afterFunc_runsInAGoroutineOfTheCallersRuntime() throws Exception {
        try (GoRuntime rt = start(2)) {
            java.util.concurrent.LinkedBlockingQueue<String> ran = new java.util.concurrent.LinkedBlockingQueue<>();
            Timer t = inGoroutine(rt, () -> Timer.afterFunc(Duration.ofMillis(1),
                    () -> ran.add(Go.inGoroutine() && Go.runtime() == rt ? "goroutine of rt" : "elsewhere")));
            assertEquals("goroutine of rt", ran.poll(60, TimeUnit.SECONDS));
            assertFalse(t.stop(), "stop() after the function started");
            assertFalse(t.reset(Duration.ZERO));
            assertEquals("goroutine of rt", ran.poll(60, TimeUnit.SECONDS), "reset() makes it run again");
            assertThrows(IllegalStateException.class, t::c, "an afterFunc timer has no channel");

            Timer never = Timer.afterFunc(Duration.ofHours(1), () -> ran.add("ran"));
            assertTrue(never.stop(), "stop() before it fired");
            assertFalse(never.stop());
        }
    }

    // An afterFunc timer nobody references still runs; outside a goroutine, on a virtual thread; and
    // when the runtime that made it has closed, still (on a virtual thread of the JDK's scheduler).
    @Test
    void afterFunc_runsUnreferencedAndAfterItsRuntimeClosed() throws Exception {
        java.util.concurrent.LinkedBlockingQueue<String> ran = new java.util.concurrent.LinkedBlockingQueue<>();
        Timer.afterFunc(Duration.ofMillis(20), () -> ran.add(Thread.currentThread().isVirtual() && !Go.inGoroutine()
                ? "virtual thread" : "elsewhere"));
        System.gc();
        assertEquals("virtual thread", ran.poll(60, TimeUnit.SECONDS));

        GoRuntime rt = start(2);
        inGoroutine(rt, () -> Timer.afterFunc(Duration.ofMillis(200), () -> ran.add(Go.inGoroutine() ? "goroutine" : "after close")));
        rt.close(); // the timer has not fired yet: closing does not wait for timers, as a Go program's exit does not
        assertEquals("after close", ran.poll(60, TimeUnit.SECONDS), "the function of a closed runtime's timer is not dropped");
    }
}
