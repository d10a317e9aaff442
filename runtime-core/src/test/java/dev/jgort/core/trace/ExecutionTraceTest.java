package dev.jgort.core.trace;

import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.api.RuntimeConfig;
import dev.jgort.chan.Chan;
import dev.jgort.chan.Select;
import dev.jgort.chan.Timer;
import dev.jgort.core.api.GoTestSupport.Failures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.jgort.core.api.GoTestSupport.assertJoined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The execution trace (issue 14, item 2): Go's format, read back by Go's own parser. */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ExecutionTraceTest {
    static final int ROUNDS = 1000;

    /** The goroutines of {@link #pingPong} (the two players, the one in a syscall) and how many events the tracer caught up on. */
    record PingPong(long a, long b, long syscall, long catchUps) {}

    /**
     * At GOMAXPROCS 1, a ping-pong of {@link #ROUNDS} rounds over unbuffered channels (on one P every
     * transfer parks one side and the other unblocks it: 2 unblocks a round, exactly), a goroutine in a
     * system call that sleeps, then a GOMAXPROCS change to 2 — traced into {@code file}.
     */
    static PingPong pingPong(Path file) throws Exception {
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(1).withBackend("java"));
             OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            rt.startTrace(out);
            Failures failures = new Failures();
            Chan<Integer> ping = Chan.make(), pong = Chan.make();
            Goroutine a = failures.go(rt, () -> {
                for (int i = 0; i < ROUNDS; i++) {
                    ping.send(i);
                    pong.recv();
                }
            });
            Goroutine b = failures.go(rt, () -> {
                for (int i = 0; i < ROUNDS; i++) {
                    ping.recv();
                    pong.send(i);
                }
            });
            assertJoined(a);
            assertJoined(b);
            Goroutine s = failures.go(rt, () -> Go.syscall(() -> Thread.sleep(20)));
            assertJoined(s);
            rt.setMaxProcs(2);
            assertJoined(rt.go(() -> { }));
            failures.check();
            rt.stopTrace();
            return new PingPong(a.id(), b.id(), s.id(), (Long) rt.metrics().get("/jgort/trace/catch-ups:events"));
        }
    }

    private static final Pattern EVENT = Pattern.compile("^\\d+ (\\w+) p=(-?\\d+) g=(\\d+) off=\\d+(.*)$");
    private static final Pattern TARGET = Pattern.compile(" g=(\\d+)");

    /** Go's parsed events of {@code go tool trace -d}: type, p, g, and the target goroutine of an unblock. */
    record GoEvent(String type, int p, long g, long target) {}

    static List<GoEvent> goEvents(List<String> lines) {
        List<GoEvent> evs = new ArrayList<>();
        for (String l : lines) {
            Matcher m = EVENT.matcher(l);
            if (!m.matches()) continue;
            Matcher t = TARGET.matcher(m.group(4));
            evs.add(new GoEvent(m.group(1), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)),
                    t.find() ? Long.parseLong(t.group(1)) : -1));
        }
        return evs;
    }

    /** The same trace read back by jgort's own reader ({@link TraceReader}): no Go needed. */
    @Test
    void ownReaderReadsAPingPongWithExactCounts() throws Exception {
        Path file = Files.createTempFile("jgort-trace", ".out");
        try {
            PingPong pp = pingPong(file);
            Trace trace = TraceReader.read(Files.readAllBytes(file));
            List<TraceEvent> evs = trace.events();
            List<TraceEvent> unblocks = evs.stream().filter(e -> e.type() == TraceFormat.EV_GO_UNBLOCK
                    && (e.arg(0) == pp.a || e.arg(0) == pp.b)).toList();
            assertEquals(2L * ROUNDS, unblocks.size(), "unblocks of the players");
            assertEquals(List.of(), unblocks.stream().filter(e -> !byPartnerOrRace(e.arg(0), e.g(), pp)).toList(),
                    "unblocks of the players by another goroutine than the partner");
            long blocks = evs.stream().filter(e -> (e.type() == TraceFormat.EV_GO_BLOCK_SEND
                    || e.type() == TraceFormat.EV_GO_BLOCK_RECV) && (e.g() == pp.a || e.g() == pp.b)).count();
            assertEquals(2L * ROUNDS, blocks, "channel blocks of the players");
            assertEquals(1, evs.stream().filter(e -> e.type() == TraceFormat.EV_GO_SYSCALL && e.g() == pp.syscall).count());
            for (long g : new long[] {pp.a, pp.b, pp.syscall}) {
                assertEquals(1, evs.stream().filter(e -> e.type() == TraceFormat.EV_GO_CREATE && e.arg(0) == g).count());
                assertEquals(1, evs.stream().filter(e -> e.type() == TraceFormat.EV_GO_END && e.g() == g).count());
            }
            assertEquals(1, evs.stream().filter(e -> e.type() == TraceFormat.EV_STW_START).count());
            // Traced from before the first goroutine: every event was written by its own hook, none by the
            // catch-up that brings a goroutine the trace missed up to date (which would hide a lost hook).
            assertEquals(0, pp.catchUps, "events the tracer had to catch up on");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * With creation sites recorded ({@code RuntimeConfig.withCreationSites}), a goroutine's
     * {@code GoCreate} carries the stack of the line that made it, in both of its stack arguments, for
     * one made from the test thread and one made by a goroutine; our reader and, where Go is installed,
     * Go's parser accept the stack table. Without them, no stack.
     */
    @Test
    void goCreateCarriesTheCreationSite() throws Exception {
        Path file = Files.createTempFile("jgort-trace", ".out");
        try {
            long outside, child;
            int[] childLine = new int[1];
            long[] made = new long[1];
            try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(2).withBackend("java").withCreationSites(true));
                 OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
                rt.startTrace(out);
                Failures failures = new Failures();
                Goroutine g = failures.go(rt, () -> {
                    childLine[0] = new Throwable().getStackTrace()[0].getLineNumber() + 1;
                    Goroutine c = rt.go(() -> { });
                    made[0] = c.id();
                    assertJoined(c);
                });
                assertJoined(g);
                failures.check();
                rt.stopTrace();
                outside = g.id();
                child = made[0];
            }
            Trace trace = TraceReader.read(Files.readAllBytes(file));
            String me = ExecutionTraceTest.class.getName() + ".";
            TraceEvent a = create(trace, outside), b = create(trace, child);
            // failures.go made the outside one: GoTestSupport is test code too, so it is the site
            assertEquals(List.of("dev.jgort.core.api.GoTestSupport$Failures.go"), funcs(a), a.toString());
            assertEquals(1, b.stack().size(), b.toString());
            Frame f = b.stack().get(0);
            assertTrue(f.func().startsWith(me + "lambda$goCreateCarriesTheCreationSite$"), f.toString());
            assertEquals("ExecutionTraceTest.java", f.file());
            assertEquals(childLine[0], f.line());
            assertEquals(b.arg(1), b.stackId(), "the new goroutine's stack is its creation site too");
            Path go = GoToolTrace.go();
            if (go != null) GoToolTrace.parse(go, file); // Go's parser accepts the stack table
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static TraceEvent create(Trace trace, long g) {
        return trace.events().stream().filter(e -> e.type() == TraceFormat.EV_GO_CREATE && e.arg(0) == g).findFirst()
                .orElseThrow(() -> new AssertionError("no GoCreate of goroutine " + g));
    }

    private static List<String> funcs(TraceEvent e) {
        return e.stack().stream().map(Frame::func).toList();
    }

    /**
     * Whether player {@code target}'s unblock was written by its partner ({@code g}), or with no
     * goroutine running ({@code g} 0): README's documented race, an unblock that comes before the
     * blocked goroutine's M has seen it unmount is written by that M's P once the goroutine stopped.
     */
    private static boolean byPartnerOrRace(long target, long g, PingPong pp) {
        return g == 0 || target == pp.a && g == pp.b || target == pp.b && g == pp.a;
    }

    @Test
    void goToolTraceReadsAPingPongWithExactCounts() throws Exception {
        Path go = GoToolTrace.go();
        Assumptions.assumeTrue(go != null, GoToolTrace.MISSING);
        Path file = Files.createTempFile("jgort-trace", ".out");
        try {
            PingPong pp = pingPong(file);
            List<String> lines = GoToolTrace.parse(go, file);
            String keep = System.getenv("JGORT_TRACE_KEEP");
            if (keep != null) Files.write(Path.of(keep), lines);
            List<GoEvent> evs = goEvents(lines);
            List<GoEvent> unblocks = evs.stream().filter(e -> e.type.equals("GoUnblock")
                    && (e.target == pp.a || e.target == pp.b)).toList();
            assertEquals(2L * ROUNDS, unblocks.size(), "unblocks of the players");
            assertEquals(0, unblocks.stream().filter(e -> !byPartnerOrRace(e.target, e.g, pp)).count(),
                    "unblocks of the players by another goroutine than the partner");
            long blocks = evs.stream().filter(e -> (e.type.equals("GoBlockSend") || e.type.equals("GoBlockRecv"))
                    && (e.g == pp.a || e.g == pp.b)).count();
            assertEquals(2L * ROUNDS, blocks, "channel blocks of the players");
            assertEquals(1, evs.stream().filter(e -> e.type.equals("GoSysCall") && e.g == pp.syscall).count());
            // Its sleep inside the syscall: parked (GoSleep), or its P retaken first by sysmon (GoSysBlock,
            // as Go shows a blocked syscall; then its park has no P to be written on). Exactly one.
            assertEquals(1, evs.stream().filter(e -> (e.type.equals("GoSleep") || e.type.equals("GoSysBlock"))
                    && e.g == pp.syscall).count(), "the syscall goroutine's block");
            for (long g : new long[] {pp.a, pp.b, pp.syscall}) {
                assertEquals(1, evs.stream().filter(e -> e.type.equals("GoCreate") && e.target == g).count(), "created " + g);
                assertEquals(1, evs.stream().filter(e -> e.type.equals("GoEnd") && e.g == g).count(), "ended " + g);
            }
            assertEquals(1, evs.stream().filter(e -> e.type.equals("GCSTWStart")).count(), "the GOMAXPROCS stop");
            assertTrue(lines.stream().anyMatch(l -> l.contains("Gomaxprocs") && l.endsWith("procs=2")), "GOMAXPROCS 2");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Everything at once on 2 Ps, traced from the middle of it: channel pairs, selects with timers,
     * system calls, sleeps, yields, spawn storms and GOMAXPROCS changes. Go's parser must accept the
     * trace (it checks every goroutine's and P's transitions and the timestamps' order).
     */
    @Test
    void goToolTraceReadsAStormStartedMidway() throws Exception {
        Path go = GoToolTrace.go();
        Assumptions.assumeTrue(go != null, GoToolTrace.MISSING);
        for (int run = 0; run < 3; run++) {
            Path file = Files.createTempFile("jgort-storm", ".out");
            try {
                storm(file);
                List<String> lines = GoToolTrace.parse(go, file);
                assertTrue(lines.size() > 1000, "events: " + lines.size());
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    static void storm(Path file) throws Exception {
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(2).withBackend("java"))) {
            Failures failures = new Failures();
            List<Goroutine> gs = new ArrayList<>();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
            for (int pair = 0; pair < 8; pair++) {
                Chan<Integer> c = Chan.make(pair % 2); // unbuffered and buffered
                gs.add(failures.go(rt, () -> {
                    for (int i = 0; System.nanoTime() < until; i++) c.send(i);
                    c.close();
                }));
                gs.add(failures.go(rt, () -> {
                    while (c.recvOk().ok()) Thread.onSpinWait();
                }));
            }
            for (int k = 0; k < 4; k++) {
                gs.add(failures.go(rt, () -> {
                    while (System.nanoTime() < until) {
                        Chan<Integer> never = Chan.make();
                        new Select().recv(never, v -> { }).recv(Timer.after(Duration.ofMillis(1)), t -> { }).select();
                        Go.syscall(() -> LockSupport.parkNanos(200_000));
                        Thread.yield();
                        Go.gosched();
                        Thread.sleep(1);
                        for (int i = 0; i < 20; i++) rt.go(() -> { });
                    }
                }));
            }
            Thread.sleep(100);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
                rt.startTrace(out);
                rt.setMaxProcs(1);
                Thread.sleep(100);
                rt.setMaxProcs(3);
                Thread.sleep(100);
                rt.setMaxProcs(2);
                for (Goroutine g : gs) assertJoined(g);
                rt.stopTrace();
            }
            failures.check();
        }
    }
}
