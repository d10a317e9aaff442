package dev.jgort.core;

import dev.jgort.api.GState;
import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.api.RuntimeConfig;
import dev.jgort.chan.Chan;
import dev.jgort.chan.Select;
import dev.jgort.core.api.GoTestSupport.Failures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.jgort.core.api.GoTestSupport.BOUND;
import static dev.jgort.core.api.GoTestSupport.assertJoined;
import static dev.jgort.core.api.GoTestSupport.awaitOutside;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Go's goroutine dump (issue 14, item 1): {@link GoRuntime#dumpGoroutines()}, line by line against Go's grammar. */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GoroutineDumpTest {
    /** Go's goroutine header (runtime/traceback.go, goroutineheader). */
    private static final Pattern HEADER = Pattern.compile(
            "goroutine (\\d+) \\[([a-zA-Z][a-zA-Z. ()]*?)(, \\d+ minutes?)?(, locked to thread)?\\]:");
    /** A frame: the function, then a tab and file:line (Go adds " +0x.." for the pc; Java has none). */
    private static final Pattern FUNCTION = Pattern.compile("\\S+\\(\\.\\.\\.\\)"), FILE_LINE = Pattern.compile("\t\\S+:\\d+");
    /** Go's created-by line: in goroutine N (Go 1.21's) when a goroutine made it, without when made from outside. */
    private static final Pattern CREATED_BY = Pattern.compile("created by \\S+( in goroutine \\d+)?");

    private static final Object MONITOR = new Object();

    @Test
    void everyGoroutineAppearsWithGosHeaderAndFrames() throws Exception {
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(2).withBackend("java"))) {
            Failures failures = new Failures();
            AtomicBoolean stop = new AtomicBoolean();
            Chan<Integer> c = Chan.make();
            CountDownLatch latch = new CountDownLatch(1);
            LinkedBlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
            List<Goroutine> all = new ArrayList<>();

            Goroutine recv = untilInterrupted(rt, c::recv);
            Goroutine selectNoCases = untilInterrupted(rt, () -> new Select().select()); // Go's select {}
            Goroutine sleeper = untilInterrupted(rt, () -> Thread.sleep(BOUND.toMillis()));
            Goroutine waitsForMutex;
            Goroutine condWait = untilInterrupted(rt, queue::take);
            Goroutine semacquire = untilInterrupted(rt, latch::await);
            Goroutine locked = untilInterrupted(rt, () -> {
                Go.lockOSThread();
                c.recv();
            });
            // Running, never parked: spins until the end, a scheduling point only at the end.
            Goroutine running = failures.go(rt, () -> {
                while (!stop.get()) Thread.onSpinWait();
            });
            // In a system call, running inside it.
            Goroutine syscall = failures.go(rt, () -> Go.syscall(() -> {
                while (!stop.get()) Thread.onSpinWait();
            }));
            // A child made by a goroutine: created by ... in goroutine <parent>.
            AtomicLong parentId = new AtomicLong();
            Goroutine[] child = new Goroutine[1];
            Goroutine parent = failures.go(rt, () -> {
                parentId.set(Go.goid());
                child[0] = untilInterrupted(rt, c::recv);
            });
            assertJoined(parent);
            Goroutine spawned = child[0];
            synchronized (MONITOR) {
                waitsForMutex = failures.go(rt, () -> {
                    synchronized (MONITOR) {
                        MONITOR.notifyAll();
                    }
                });
                all.addAll(List.of(recv, selectNoCases, sleeper, waitsForMutex, condWait, semacquire, locked, spawned));
                for (Goroutine g : all) awaitOutside(() -> g.state() == GState.WAITING, "goroutine " + g.id() + " to wait");
                awaitOutside(() -> ((G) syscall).status() == G.SYSCALL, "the syscall goroutine to be in its syscall");
                awaitOutside(() -> ((G) running).status() == G.RUNNING, "the spinning goroutine to run");

                String dump = rt.dumpGoroutines();
                StringWriter w = new StringWriter();
                rt.dumpGoroutines(w);
                assertTrue(w.toString().contains("goroutine " + recv.id() + " [chan receive]:"), w.toString());

                assertHeader(dump, recv, "chan receive");
                assertHeader(dump, selectNoCases, "select (no cases)");
                assertHeader(dump, sleeper, "sleep");
                assertHeader(dump, waitsForMutex, "sync.Mutex.Lock");
                assertHeader(dump, condWait, "sync.Cond.Wait");
                assertHeader(dump, semacquire, "semacquire");
                assertHeader(dump, locked, "chan receive, locked to thread");
                assertHeader(dump, running, "running");
                assertHeader(dump, syscall, "syscall");
                assertHeader(dump, spawned, "chan receive");
                assertTrue(block(dump, spawned).contains("\ncreated by dev.jgort.api.GoRuntime.go in goroutine " + parentId.get() + "\n"),
                        block(dump, spawned));
                assertFalse(block(dump, recv).contains("created by"), "made from outside: no creating goroutine");
                assertGrammar(dump);

                // Go's waitsince: a goroutine seen waiting for over a minute says so, in whole minutes.
                ((G) recv).waitSince = System.nanoTime() - TimeUnit.SECONDS.toNanos(150);
                assertHeader(rt.dumpGoroutines(), recv, "chan receive, 2 minutes");
                ((G) recv).waitSince = System.nanoTime() - TimeUnit.SECONDS.toNanos(61);
                assertHeader(rt.dumpGoroutines(), recv, "chan receive, 1 minute");
            }
            stop.set(true); // the spinners end; shutdownNow interrupts the others out
            rt.shutdownNow();
            failures.check();
            assertEquals(0, rt.stats().numGoroutine());
        }
    }

    /**
     * With creation sites recorded, {@code created by} names the function, file and line that made the
     * goroutine, as Go's does: a goroutine's {@code go}, the test thread's (no creating goroutine), a
     * thread factory's {@code newThread}, and a virtual thread a goroutine started with plain JDK APIs.
     */
    @Test
    void createdByNamesTheCreationSiteWhereItIsRecorded() throws Exception {
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(2).withBackend("java").withCreationSites(true))) {
            Failures failures = new Failures();
            Chan<Integer> c = Chan.make();
            int outsideLine = new Throwable().getStackTrace()[0].getLineNumber() + 1;
            Goroutine outside = rt.go(() -> recvUntilInterrupted(c));
            int factoryLine = new Throwable().getStackTrace()[0].getLineNumber() + 1;
            Thread fromFactory = rt.threadFactory().newThread(() -> recvUntilInterrupted(c));
            fromFactory.start();
            long[] parentId = new long[1];
            int[] lines = new int[2];
            Goroutine[] made = new Goroutine[1];
            Thread[] adopted = new Thread[1];
            Goroutine parent = failures.go(rt, () -> {
                parentId[0] = Go.goid();
                lines[0] = new Throwable().getStackTrace()[0].getLineNumber() + 1;
                made[0] = rt.go(() -> recvUntilInterrupted(c));
                lines[1] = new Throwable().getStackTrace()[0].getLineNumber() + 1;
                adopted[0] = Thread.ofVirtual().start(() -> recvUntilInterrupted(c));
            });
            assertJoined(parent);
            for (Goroutine g : List.of(outside, made[0])) awaitOutside(() -> g.state() == GState.WAITING, "goroutine " + g.id() + " to wait");
            for (Thread t : List.of(fromFactory, adopted[0])) awaitOutside(() -> t.getState() == Thread.State.WAITING, t + " to wait");
            String dump = rt.dumpGoroutines();
            assertGrammar(dump);
            String me = GoroutineDumpTest.class.getName() + ".";
            String file = "\n\tGoroutineDumpTest.java:";
            assertTrue(block(dump, outside).endsWith("\ncreated by " + me + "createdByNamesTheCreationSiteWhereItIsRecorded"
                    + file + outsideLine + "\n"), block(dump, outside));
            assertTrue(block(dump, made[0]).matches("(?s).*\ncreated by " + Pattern.quote(me) + "lambda\\$\\S+ in goroutine "
                    + parentId[0] + Pattern.quote(file) + lines[0] + "\n"), block(dump, made[0]));
            assertTrue(dump.contains("\ncreated by " + me + "createdByNamesTheCreationSiteWhereItIsRecorded" + file + factoryLine + "\n"), dump);
            assertTrue(dump.matches("(?s).*\ncreated by " + Pattern.quote(me) + "lambda\\$\\S+ in goroutine " + parentId[0]
                    + Pattern.quote(file) + lines[1] + "\n.*"), dump);
            rt.shutdownNow();
            failures.check();
        }
    }

    private static void recvUntilInterrupted(Chan<Integer> c) {
        try {
            c.recv();
        } catch (InterruptedException endOfTest) {
            // shutdownNow
        }
    }

    /** A goroutine that runs {@code body} (which blocks) until the test's shutdownNow interrupts it. */
    private static Goroutine untilInterrupted(GoRuntime rt, dev.jgort.core.api.GoTestSupport.Body body) {
        return rt.go(() -> {
            try {
                body.run();
            } catch (InterruptedException endOfTest) {
                // shutdownNow
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static void assertHeader(String dump, Goroutine g, String inBrackets) {
        String header = "goroutine " + g.id() + " [" + inBrackets + "]:";
        assertTrue(dump.contains("\n" + header + "\n") || dump.startsWith(header + "\n"),
                "expected the header \"" + header + "\" in:\n" + dump);
    }

    /** The dump's block of one goroutine: from its header to the blank line. */
    private static String block(String dump, Goroutine g) {
        int a = dump.indexOf("goroutine " + g.id() + " [");
        int b = dump.indexOf("\n\n", a);
        return dump.substring(a, b + 1);
    }

    /** Every block: a header, then frames (function line, file line), then at most a created-by line; blank line between. */
    private static void assertGrammar(String dump) {
        assertTrue(dump.endsWith("\n\n"), "the dump ends with a blank line");
        for (String block : dump.substring(0, dump.length() - 2).split("\n\n")) {
            String[] lines = block.split("\n");
            Matcher h = HEADER.matcher(lines[0]);
            assertTrue(h.matches(), "not Go's goroutine header: \"" + lines[0] + "\"");
            int i = 1;
            for (; i + 1 < lines.length && FUNCTION.matcher(lines[i]).matches(); i += 2) {
                assertTrue(FILE_LINE.matcher(lines[i + 1]).matches(), "not a frame's file line: \"" + lines[i + 1] + "\"");
            }
            if (i < lines.length) {
                assertTrue(CREATED_BY.matcher(lines[i]).matches(), "not Go's created-by line: \"" + lines[i] + "\"");
                i++;
                // the creation site's file and line, where it was recorded
                if (i < lines.length) assertTrue(FILE_LINE.matcher(lines[i++]).matches(), "not a file line: " + lines[i - 1]);
                assertEquals(lines.length, i, "lines after created-by in:\n" + block);
            }
            assertTrue(lines.length >= 2, "a goroutine without frames:\n" + block);
        }
    }
}
