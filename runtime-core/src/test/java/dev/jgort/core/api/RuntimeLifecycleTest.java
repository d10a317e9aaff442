package dev.jgort.core.api;

import dev.jgort.api.GoRuntime;
import dev.jgort.api.RuntimeStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.jgort.core.api.GoTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** M lifecycle (idle Ms exit, new ones come), periodic schedtrace, start-up and close() misuse. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RuntimeLifecycleTest {

    /**
     * Idle Ms beyond need exit after the idle timeout (their records go through the free-M list), and
     * the runtime makes new Ms when work comes back.
     */
    @Test
    void idleMsExitAfterTheTimeoutAndNewOnesComeWhenWorkReturns() throws Exception {
        try (GoRuntime rt = GoRuntime.start(config(2).withIdleThreadTimeout(Duration.ofMillis(50)))) {
            // Two goroutines that can only pass the barrier together: both Ps get an M.
            CyclicBarrier both = new CyclicBarrier(2);
            Failures failures = new Failures();
            assertAllJoined(List.of(
                    failures.go(rt, () -> both.await(BOUND.toSeconds(), TimeUnit.SECONDS)),
                    failures.go(rt, () -> both.await(BOUND.toSeconds(), TimeUnit.SECONDS))));
            failures.check();
            long created = rt.stats().threadsCreated();
            assertTrue(created >= 2, "two goroutines in parallel need two Ms; made " + created);

            awaitOutside(() -> rt.stats().threads() == 0, "every idle M to exit");
            RuntimeStats idle = rt.stats();
            assertEquals(idle.threadsCreated(), idle.threadsExited());

            long goid = inGoroutine(rt, () -> dev.jgort.api.Go.goid());
            assertTrue(goid > 0);
            assertTrue(rt.stats().threadsCreated() > idle.threadsCreated(), "no new M ran the goroutine");
        }
    }

    /** GODEBUG=schedtrace=N (here withSchedTrace): the runtime prints Go's SCHED line to stderr every N ms. */
    @Test
    void schedTracePrintsToStderrPeriodically() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            GoRuntime plain = GoRuntime.start(config(2).withSchedTrace(5, false));
            try {
                awaitOutside(() -> count(buf, "SCHED ") >= 2, "two schedtrace lines");
            } finally {
                plain.close();
            }
            GoRuntime detailed = GoRuntime.start(config(2).withSchedTrace(5, true));
            try {
                awaitOutside(() -> buf.toString(StandardCharsets.UTF_8).contains("  P1: status="), "a scheddetail P line");
            } finally {
                detailed.close();
            }
        } finally {
            System.setErr(original);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.lines().anyMatch(l -> l.matches("SCHED \\d+ms: gomaxprocs=2 idleprocs=\\d+ threads=\\d+ "
                + "spinningthreads=\\d+ idlethreads=\\d+ runqueue=\\d+ \\[\\d+ \\d+\\]")), out);
    }

    private static int count(ByteArrayOutputStream buf, String what) {
        String s = buf.toString(StandardCharsets.UTF_8);
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    /** Without --add-opens the runtime fails at start with a message naming the flag. */
    @Test
    void startWithoutAddOpensNamesTheFlag() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StartWithoutAddOpens.class.getName())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS), "child JVM did not end");
        assertEquals(StartWithoutAddOpens.REFUSED, p.exitValue(), out);
        assertTrue(out.contains("--add-opens java.base/java.lang=ALL-UNNAMED"), out);
    }

    /** The child JVM of {@link #startWithoutAddOpensNamesTheFlag}. */
    static final class StartWithoutAddOpens {
        static final int REFUSED = 3;

        public static void main(String[] args) {
            try (GoRuntime rt = GoRuntime.start()) {
                System.out.println("started without --add-opens: " + rt);
            } catch (IllegalStateException e) {
                System.out.println(e.getMessage());
                System.exit(REFUSED);
            }
        }
    }

    /** close() from one of the runtime's own goroutines would wait for itself: refused. */
    @Test
    void closeFromInsideItsOwnGoroutineIsRefused() throws Exception {
        GoRuntime rt = start(1);
        try {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            runInGoroutine(rt, () -> {
                try {
                    rt.close();
                } catch (IllegalStateException e) {
                    thrown.set(e);
                }
            });
            assertNotNull(thrown.get(), "close() inside a goroutine returned");
            assertTrue(thrown.get().getMessage().contains("would wait for itself"), thrown.get().getMessage());
            assertFalse(rt.isClosed(), "a refused close() must not close the runtime");
        } finally {
            rt.close();
        }
    }
}
