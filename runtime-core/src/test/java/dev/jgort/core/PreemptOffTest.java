package dev.jgort.core;

import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.api.RuntimeConfig;
import dev.jgort.api.WorldStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import static dev.jgort.core.api.GoTestSupport.BOUND;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A goroutine that has stopped the world is not preempted until it starts the world again (Go:
 * {@code m.preemptoff}, {@code canPreemptM}): no P could run it again before the world starts, so a
 * yield there would never come back. go() and Go.checkPreempt() are the preemption points.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PreemptOffTest {

    /** Runs {@code body} in a goroutine and rethrows what it threw; fails if it does not end in BOUND. */
    private static void inGoroutine(GoRuntime rt, Runnable body) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Goroutine g = rt.go(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        assertTrue(g.join(BOUND), "the goroutine did not end within " + BOUND);
        if (failure.get() != null) throw new AssertionError(failure.get());
    }

    /** stopTheWorld's preemptall must not flag its own caller (Go's preemptone skips getg().m). */
    @Test
    void theGoroutineThatStoppedTheWorldStartsGoroutinesThatRunOnceItStarts() throws Exception {
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(2))) {
            LongAdder ran = new LongAdder();
            List<Goroutine> started = new ArrayList<>();
            inGoroutine(rt, () -> {
                try (WorldStop world = rt.stopTheWorld("test")) {
                    assertEquals("test", world.reason());
                    for (int i = 0; i < 3; i++) started.add(rt.go(ran::increment));
                    assertFalse(Go.checkPreempt(), "stopTheWorld flagged its own caller");
                }
            });
            for (Goroutine g : started) assertTrue(g.join(BOUND), "a goroutine started in a stopped world never ran");
            assertEquals(3, ran.sum());
        }
    }

    /** A flag sysmon set before the goroutine stopped the world is honoured only after it starts it. */
    @Test
    void aGoroutineFlaggedBeforeItStopsTheWorldYieldsOnlyAfterItStartsIt() throws Exception {
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(2))) {
            Sched sched = ((JgortRuntime) rt).sched;
            CountDownLatch running = new CountDownLatch(1);
            AtomicBoolean flagged = new AtomicBoolean();
            Thread flagger = Thread.ofPlatform().start(() -> {
                try {
                    if (running.await(BOUND.toSeconds(), TimeUnit.SECONDS)) sched.preemptall(); // as sysmon does
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    flagged.set(true);
                }
            });
            inGoroutine(rt, () -> {
                running.countDown();
                while (!flagged.get()) Thread.onSpinWait(); // stays running (and so flaggable) meanwhile
                try (WorldStop world = rt.stopTheWorld("flagged")) {
                    assertEquals("flagged", world.reason());
                    rt.go(() -> { });
                    assertFalse(Go.checkPreempt(), "preempted while holding a stopped world");
                }
                assertTrue(Go.checkPreempt(), "the flag set before the stop was lost");
            });
            flagger.join();
        }
    }
}
