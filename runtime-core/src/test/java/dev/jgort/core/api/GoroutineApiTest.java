package dev.jgort.core.api;

import dev.jgort.api.GState;
import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.core.api.GoTestSupport.Failures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static dev.jgort.core.api.GoTestSupport.assertAllJoined;
import static dev.jgort.core.api.GoTestSupport.assertJoined;
import static dev.jgort.core.api.GoTestSupport.awaitInGoroutine;
import static dev.jgort.core.api.GoTestSupport.awaitState;
import static dev.jgort.core.api.GoTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@link Goroutine} handle and the static {@link Go} API. */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GoroutineApiTest {

    // Go's goid: unique and increasing within a runtime, starting at 1, and what Go.goid() returns
    // inside the goroutine. Each runtime numbers its own goroutines.
    @Test
    void goroutineId_increasesPerRuntimeAndMatchesGoGoidInside() throws Exception {
        final int n = 100;
        long firstId;
        long lastId;
        try (GoRuntime rt = start(2)) {
            Failures failures = new Failures();
            AtomicLongArray inside = new AtomicLongArray(n);
            List<Goroutine> gs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int idx = i;
                gs.add(failures.go(rt, () -> inside.set(idx, Go.goid())));
            }
            assertAllJoined(gs);
            failures.check();
            for (int i = 0; i < n; i++) {
                Goroutine g = gs.get(i);
                assertTrue(g.id() >= 1, "goid " + g.id());
                if (i > 0) assertTrue(g.id() > gs.get(i - 1).id(), "goids must increase: " + gs.get(i - 1).id() + " then " + g.id());
                assertEquals(g.id(), inside.get(i), "Go.goid() inside differs from the handle's id()");
            }
            firstId = gs.get(0).id();
            lastId = gs.get(n - 1).id();
        }
        try (GoRuntime rt2 = start(2)) {
            Goroutine g = rt2.go(() -> {});
            assertJoined(g);
            assertTrue(g.id() < lastId, "goids are per runtime: a new runtime's first goroutine got " + g.id()
                    + " after another runtime had reached " + lastId + " (its first was " + firstId + ")");
        }
    }

    // name(): "goroutine-<id>" by default, the given name otherwise; thread() is the virtual thread
    // that runs the goroutine. Handles stay usable after the goroutine has ended.
    @Test
    void goroutineName_defaultsToGoroutineIdOrIsTheGivenName() throws Exception {
        try (GoRuntime rt = start(2)) {
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            Goroutine plain = rt.go(() -> ranOn.set(Thread.currentThread()));
            Goroutine named = rt.go("fetcher", () -> {});
            assertJoined(plain);
            assertJoined(named);
            assertEquals("goroutine-" + plain.id(), plain.name());
            assertEquals("fetcher", named.name());
            assertNotNull(plain.thread());
            assertTrue(plain.thread().isVirtual(), "a goroutine is a virtual thread");
            assertSame(plain.thread(), ranOn.get(), "thread() is not the thread the task ran on");
            assertEquals(GState.DEAD, plain.state(), "state() after join()");
            assertEquals(GState.DEAD, named.state(), "state() after join()");
        }
    }

    // state(): RUNNING while it runs (seen from inside), WAITING while parked (seen from outside),
    // DEAD once ended. join(Duration) returns false while the goroutine cannot end, true once it has.
    @Test
    void goroutineState_runningWaitingDead_andTimedJoin() throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures failures = new Failures();
            AtomicReference<Goroutine> self = new AtomicReference<>();
            AtomicReference<GState> seenInside = new AtomicReference<>();
            AtomicBoolean release = new AtomicBoolean();
            Goroutine g = failures.go(rt, () -> {
                awaitInGoroutine(() -> self.get() != null, "the handle to be published");
                seenInside.set(self.get().state());
                while (!release.get()) LockSupport.park(); // WAITING until released (loop: spurious wake-ups)
            });
            self.set(g);
            try {
                awaitState(g, GState.WAITING);
                assertEquals(GState.RUNNING, seenInside.get(), "a goroutine sees itself RUNNING");
                assertFalse(g.join(Duration.ofMillis(50)), "join(Duration) returned true for a parked goroutine");
            } finally {
                release.set(true);
                LockSupport.unpark(g.thread());
            }
            assertTrue(g.join(GoTestSupport.BOUND), "join(Duration) after release");
            assertEquals(GState.DEAD, g.state(), "join() returned, so the goroutine has ended: state() must say DEAD");
            assertTrue(g.join(Duration.ZERO), "join(Duration) of an ended goroutine");
            failures.check();
        }
    }

    // Inside a goroutine the static API describes it.
    @Test
    void goStaticApi_insideAGoroutine() throws Exception {
        try (GoRuntime rt = start(2)) {
            AtomicBoolean in = new AtomicBoolean();
            AtomicReference<GoRuntime> runtime = new AtomicReference<>();
            AtomicReference<Long> goid = new AtomicReference<>();
            Goroutine g = rt.go(() -> {
                in.set(Go.inGoroutine());
                runtime.set(Go.runtime());
                goid.set(Go.goid());
                Go.gosched();
                Go.lockOSThread();
                Go.unlockOSThread();
            });
            assertJoined(g);
            assertTrue(in.get());
            assertSame(rt, runtime.get());
            assertEquals(g.id(), goid.get());
        }
    }

    // Outside a goroutine (the test's platform thread, or a virtual thread of the JDK's own scheduler)
    // Go.inGoroutine() is false, Go.runtime() and Go.goid() throw IllegalStateException saying they work
    // only inside a goroutine, and gosched / lockOSThread / unlockOSThread are harmless.
    @Test
    void goStaticApi_outsideAGoroutine() throws Exception {
        try (GoRuntime rt = start(1)) {
            assertFalse(rt.isClosed());
            assertFalse(Go.inGoroutine());
            IllegalStateException e1 = assertThrows(IllegalStateException.class, Go::runtime);
            assertTrue(e1.getMessage().contains("inside a goroutine"), e1.getMessage());
            IllegalStateException e2 = assertThrows(IllegalStateException.class, Go::goid);
            assertTrue(e2.getMessage().contains("inside a goroutine"), e2.getMessage());
            assertDoesNotThrow(Go::gosched);
            assertDoesNotThrow(Go::lockOSThread);
            assertDoesNotThrow(Go::unlockOSThread);
            assertDoesNotThrow(Go::unlockOSThread);

            AtomicReference<Boolean> inPlainVirtual = new AtomicReference<>();
            AtomicReference<Throwable> goidThrew = new AtomicReference<>();
            Thread v = Thread.ofVirtual().start(() -> {
                inPlainVirtual.set(Go.inGoroutine());
                try {
                    Go.goid();
                } catch (Throwable t) {
                    goidThrew.set(t);
                }
            });
            assertTrue(v.join(GoTestSupport.BOUND));
            assertEquals(Boolean.FALSE, inPlainVirtual.get(), "a virtual thread of the JDK's scheduler is not a goroutine");
            assertTrue(goidThrew.get() instanceof IllegalStateException, "Go.goid() there: " + goidThrew.get());
        }
    }

    // Issue 11, item 3: as Go keeps a leaked goroutine, a goroutine parked forever that nothing else
    // references stays: collections do not take it, it is counted and listed, and shutdownNow still
    // reaches it.
    @Test
    void aLeakedParkedGoroutineIsKeptAsGoKeepsIt() throws Exception {
        try (GoRuntime rt = start(2)) {
            AtomicReference<java.lang.ref.WeakReference<Thread>> thread = new AtomicReference<>();
            Goroutine g = rt.go("leaked", () -> {
                thread.set(new java.lang.ref.WeakReference<>(Thread.currentThread()));
                LockSupport.park(); // parked for good: nothing will unpark it but an interrupt
                while (!Thread.currentThread().isInterrupted()) LockSupport.park();
            });
            awaitState(g, GState.WAITING);
            long id = g.id();
            g = null; // the test keeps no reference to the goroutine or its thread
            for (int i = 0; i < 5; i++) System.gc();
            assertNotNull(thread.get().get(), "the leaked goroutine's thread was collected");
            assertEquals(1, rt.stats().numGoroutine());
            assertTrue(rt.schedTrace(true).contains("  G" + id + ": status="), "the leaked goroutine is listed");
            rt.shutdownNow();
            assertEquals(0, rt.stats().numGoroutine());
        }
    }
}
