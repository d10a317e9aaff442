package dev.jgort.core;

import dev.jgort.api.GState;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.api.RuntimeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.jgort.core.api.GoTestSupport.BOUND;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A goroutine's thread holds a {@link GLink} to its G while the G lives, and only a link to its
 * runtime's dead G after it ends: a program that keeps a million finished threads keeps a million
 * 16-byte links, not a million Gs. Children started inside it by plain JDK APIs still reach the
 * runtime through the link after it has ended.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GLinkTest {

    private static void awaitNoGoroutines(GoRuntime rt) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (rt.stats().numGoroutine() != 0) {
            assertTrue(System.nanoTime() - deadline < 0, "goroutines did not all end within " + BOUND);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void aFinishedGoroutinesThreadLinksOnlyToItsRuntimesDeadG() throws Exception {
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(2))) {
            Sched sched = ((JgortRuntime) rt).sched;
            CountDownLatch childMayRun = new CountDownLatch(1);
            AtomicBoolean childRanInRuntime = new AtomicBoolean();
            Thread[] child = new Thread[1];
            Goroutine g = rt.go(() -> child[0] = Thread.ofVirtual().start(() -> {
                try {
                    assertTrue(childMayRun.await(BOUND.toSeconds(), TimeUnit.SECONDS));
                    childRanInRuntime.set(JgortProvider.currentG() != null && JgortProvider.currentG().sched == sched);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            Thread t = g.thread();
            GLink link = (GLink) VThreads.scheduler(t);
            assertTrue(t.join(BOUND));
            childMayRun.countDown(); // the parent has ended: the child's wake-up arrives through its link
            assertTrue(child[0].join(BOUND), "a child started by plain JDK APIs was lost after its parent ended");
            assertTrue(childRanInRuntime.get(), "the child did not run as a goroutine of the runtime");
            awaitNoGoroutines(rt); // goexit0 has run for both
            assertSame(sched.deadG, link.g, "the finished thread still holds its G");
            assertSame(link, VThreads.scheduler(child[0]), "the child inherits its parent's link");
            assertEquals(GState.DEAD, g.state(), "the Goroutine handle itself still answers");
        }
    }
}
