package dev.jgort.core.api;

import dev.jgort.api.GState;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.api.RuntimeStats;
import dev.jgort.chan.Chan;
import dev.jgort.core.api.GoTestSupport.Failures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import static dev.jgort.core.api.GoTestSupport.BOUND;
import static dev.jgort.core.api.GoTestSupport.assertJoined;
import static dev.jgort.core.api.GoTestSupport.awaitState;
import static dev.jgort.core.api.GoTestSupport.config;
import static dev.jgort.core.api.GoTestSupport.inGoroutine;
import static dev.jgort.core.api.GoTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GOMAXPROCS, {@code schedtrace} output and {@link RuntimeStats}. */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SchedTraceAndStatsTest {

    /** The start of Go 1.14-1.16's schedtrace line, for 2 Ps. */
    private static final String SCHED_HEAD = "SCHED \\d+ms: gomaxprocs=2 idleprocs=\\d+ threads=\\d+ spinningthreads=\\d+"
            + " idlethreads=\\d+ runqueue=\\d+";
    /** Without scheddetail: the per-P run queue lengths follow, "[len0 len1]". */
    private static final String SCHED_LINE = SCHED_HEAD + " \\[\\d+ \\d+\\]";
    /**
     * With scheddetail: Go prints the header without the per-P lengths (they get a line each) and adds
     * gcwaiting / nmidlelocked / stopwait / sysmonwait; the lengths are tolerated here too, and so are
     * jgort's own fields after Go's (the header is matched as a prefix).
     */
    private static final String SCHED_DETAIL_HEAD = SCHED_HEAD + "( \\[\\d+ \\d+\\])?"
            + " gcwaiting=\\d+ nmidlelocked=\\d+ stopwait=\\d+ sysmonwait=\\d+";

    // GODEBUG=schedtrace: one SCHED line in Go's format.
    @Test
    void schedTrace_summaryMatchesGosFormat() throws Exception {
        try (GoRuntime rt = start(2)) {
            String trace = rt.schedTrace(false).strip();
            assertTrue(Pattern.matches(SCHED_LINE, trace), "not Go's schedtrace line: \"" + trace + "\"");
        }
    }

    // GODEBUG=schedtrace,scheddetail=1: the header ends with gcwaiting / nmidlelocked / stopwait /
    // sysmonwait, then come one line per P ("  P0: status="), M ("  M<id>: ") and goroutine ("  G<id>: "),
    // the parked goroutine among them.
    @Test
    void schedTrace_detailListsEveryPMAndGoroutine() throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures failures = new Failures();
            CountDownLatch release = new CountDownLatch(1);
            Goroutine g = failures.go(rt, () -> assertTrue(release.await(BOUND.toSeconds(), TimeUnit.SECONDS)));
            String trace;
            try {
                awaitState(g, GState.WAITING);
                trace = rt.schedTrace(true);
            } finally {
                release.countDown();
            }
            assertJoined(g);
            failures.check();

            List<String> lines = Arrays.asList(trace.split("\\R"));
            assertTrue(Pattern.compile(SCHED_DETAIL_HEAD).matcher(lines.get(0).strip()).lookingAt(),
                    "not Go's scheddetail header: \"" + lines.get(0) + "\"\n" + trace);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("  P0: status=")), "no P0 line:\n" + trace);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("  P1: status=")), "no P1 line:\n" + trace);
            assertTrue(lines.stream().anyMatch(l -> l.matches("  M\\d+: .*")), "no M line:\n" + trace);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("  G" + g.id() + ": status=")),
                    "no line for the parked goroutine G" + g.id() + ":\n" + trace);
        }
    }

    // stats(): reports the configured Ps (one local run queue each), the backend asked for, and
    // counts created goroutines.
    @Test
    void stats_reportsProcsBackendAndCreatedGoroutines() throws Exception {
        try (GoRuntime rt = GoRuntime.start(config(3).withBackend("java"))) {
            assertEquals("java", rt.config().backend());
            long createdBefore = rt.stats().goroutinesCreated();
            for (int i = 0; i < 5; i++) inGoroutine(rt, () -> null);
            RuntimeStats s = rt.stats();
            assertEquals(3, s.maxProcs());
            assertEquals(3, s.localRunqueues().length);
            assertEquals("java", s.backend());
            assertTrue(s.goroutinesCreated() >= createdBefore + 5, "goroutinesCreated() = " + s.goroutinesCreated());
            assertTrue(s.threadsCreated() >= 1, "goroutines ran, so at least one M was created");
            assertTrue(s.idleProcs() >= 0 && s.idleProcs() <= 3, "idleProcs() = " + s.idleProcs());
        }
    }

    // Issue 11, item 6: a detail trace is one snapshot of what sched.lock guards, as Go's is. A P on the
    // idle list has status _Pidle, so a trace never shows more idle Ps than P lines with status=0, and
    // its threads and idle threads agree (taken apart, one trace showed idleprocs=2 with both Ps
    // running). Ms park and wake all the time here: two goroutines ping-pong through a channel.
    @Test
    void schedTrace_detailIsOneSnapshotOfWhatTheLockGuards() throws Exception {
        try (GoRuntime rt = start(2)) {
            Chan<Integer> ping = Chan.make(), pong = Chan.make();
            AtomicBoolean stop = new AtomicBoolean();
            Failures failures = new Failures();
            Goroutine a = failures.go(rt, () -> {
                while (!stop.get()) {
                    ping.send(1);
                    pong.recv();
                }
                ping.close();
            });
            Goroutine b = failures.go(rt, () -> {
                for (Integer v : ping) pong.send(v);
            });
            Pattern head = Pattern.compile("idleprocs=(\\d+) threads=(\\d+) spinningthreads=\\d+ idlethreads=(\\d+)");
            Pattern idleP = Pattern.compile("(?m)^  P\\d+: status=0 ");
            try {
                for (int i = 0; i < 5_000; i++) {
                    String trace = rt.schedTrace(true);
                    var m = head.matcher(trace);
                    assertTrue(m.find(), trace);
                    int idleprocs = Integer.parseInt(m.group(1));
                    int threads = Integer.parseInt(m.group(2));
                    int idlethreads = Integer.parseInt(m.group(3));
                    long status0 = idleP.matcher(trace).results().count();
                    assertTrue(status0 >= idleprocs, "idleprocs=" + idleprocs + " but " + status0 + " P(s) with status=0:\n" + trace);
                    assertTrue(idlethreads <= threads, trace);
                    RuntimeStats st = rt.stats();
                    assertEquals(st.threads(), st.threadsCreated() - st.threadsExited(), st.toString());
                }
            } finally {
                stop.set(true);
            }
            assertJoined(a);
            assertJoined(b);
            failures.check();
        }
    }
}
