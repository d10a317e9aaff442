package dev.jgort.core.trace;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.jgort.core.trace.HandBuiltTrace.MAIN;
import static dev.jgort.core.trace.HandBuiltTrace.SENDER;
import static dev.jgort.core.trace.HandBuiltTrace.SYSCALLER;
import static dev.jgort.core.trace.TraceFormat.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** {@link TraceReader}: Go's canned 1.19 traces against Go's own parser, a hand-built trace, broken ones. */
class TraceReaderTest {
    static final Path GO_ROOT = Path.of("/usr/lib/go-1.19");
    static final Path CANNED = GO_ROOT.resolve("src/internal/trace/testdata");
    static final String NO_GO = "Go 1.19 is not installed: apt-get install golang-1.19-go (it brings golang-1.19-src, "
            + "whose src/internal/trace/testdata has the canned traces, and go tool trace)";

    // ---- Go's canned traces ----

    /**
     * The same events as {@code go tool trace -d} prints, line for line (type, time, P, goroutine, offset,
     * arguments), in the same order, and so the same count of each type. Events of the same time are
     * compared as sets: Go orders those of different Ps in map order, at random from one run to the next.
     */
    @ParameterizedTest
    @ValueSource(strings = {"http_1_19_good", "stress_1_19_good", "stress_start_stop_1_19_good", "user_task_region_1_19_good"})
    void cannedTracesParseAsGoParsesThem(String name, @TempDir Path goCache) throws Exception {
        Path file = CANNED.resolve(name);
        Assumptions.assumeTrue(Files.isReadable(file), NO_GO);
        Trace trace = TraceReader.read(Files.readAllBytes(file));
        assertInTimeOrder(trace);

        Path go = GO_ROOT.resolve("bin/go");
        Assumptions.assumeTrue(Files.isExecutable(go), NO_GO);
        List<String> goLines = goToolTraceD(go, file, goCache);
        List<String> ours = trace.events().stream().map(TraceEvent::toString).toList();
        assertEquals(goLines.size(), ours.size(), "event count");
        assertEquals(countByType(goLines), countByType(ours), "events by type");
        List<List<String>> a = byTime(goLines), b = byTime(ours);
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) fail("first difference: go: " + a.get(i) + "\n  ours: " + b.get(i));
        }
        assertEquals(a.size(), b.size(), "distinct times");
    }

    /** Lines in runs of equal time (the first field), each run sorted: the order up to ties. */
    private static List<List<String>> byTime(List<String> lines) {
        List<List<String>> runs = new ArrayList<>();
        String time = null;
        for (String l : lines) {
            String t = l.substring(0, l.indexOf(' '));
            if (!t.equals(time)) runs.add(new ArrayList<>());
            time = t;
            runs.getLast().add(l);
        }
        runs.forEach(r -> r.sort(null));
        return runs;
    }

    /** What the reader gives the canned traces' events besides the printed fields: stacks, links. */
    @Test
    void cannedTraceHasStacksAndLinks() throws Exception {
        Path file = CANNED.resolve("http_1_19_good");
        Assumptions.assumeTrue(Files.isReadable(file), NO_GO);
        Trace trace = TraceReader.read(Files.newInputStream(file));
        assertEquals(1019, trace.version());
        assertTrue(trace.ticksPerSecond() > 0);
        int starts = 0, linked = 0;
        for (TraceEvent e : trace.events()) {
            assertSame(e, trace.events().get(e.index()));
            if (e.type() == EV_GO_START) {
                starts++;
                if (e.link() != null) {
                    linked++;
                    assertEquals(e.g(), e.link().g(), "a running slice ends on its goroutine: " + e);
                    assertTrue(e.link().ts() >= e.ts());
                }
            }
            if (e.stackId() != 0 && trace.stacks().containsKey(e.stackId())) {
                assertEquals(trace.stacks().get(e.stackId()), e.stack());
                assertTrue(e.stack().stream().allMatch(f -> !f.func().isEmpty()), "frames resolved: " + e.stack());
            }
        }
        assertTrue(starts > 100 && linked > starts * 9 / 10, starts + " starts, " + linked + " linked");
        assertTrue(trace.events().stream().anyMatch(e -> e.type() == EV_GC_START && e.p() == Trace.GC_P
                && e.link() != null && e.link().type() == EV_GC_DONE));
        assertTrue(trace.events().stream().anyMatch(e -> e.type() == EV_GO_SYSEXIT && e.p() == Trace.SYSCALL_P));
    }

    // ---- a hand-built trace ----

    @Test
    void sampleTrace() throws Exception {
        Trace trace = TraceReader.read(HandBuiltTrace.sample());
        assertInTimeOrder(trace);
        List<TraceEvent> ev = trace.events();
        assertEquals(23, ev.size(), trace.dump());
        assertEquals(1_000_000_000L, trace.ticksPerSecond());
        // times are ns after the first event (GOMAXPROCS, at tick 500), which is of the batch without a P
        TraceEvent first = ev.getFirst();
        assertEquals("0 Gomaxprocs p=-1 g=0 off=" + first.offset() + " procs=2", first.toString());
        assertEquals(12_600, trace.duration());

        // the Local forms became plain ones; they have no seq
        TraceEvent mainStart = find(ev, EV_GO_START, MAIN, 600);
        assertEquals("600 GoStart p=0 g=1 off=" + mainStart.offset() + " g=1 seq=0", mainStart.toString());
        assertTrue(ev.stream().noneMatch(e -> e.type() == EV_GO_START_LOCAL));
        // a first start has the stack its GoCreate gave the goroutine
        assertEquals(List.of(new Frame(0x1000, "main.main", "/src/app/main.go", 10)), mainStart.stack());

        // the goroutine of an event is tracked per P, across that P's batches
        TraceEvent syscall = find(ev, EV_GO_SYSCALL, SYSCALLER, 7_500);
        assertEquals(0, syscall.p());
        assertEquals(List.of("syscall.Read", "main.worker"), syscall.stack().stream().map(Frame::func).toList());
        TraceEvent procStop = find(ev, EV_PROC_STOP, 0, 7_700);
        assertEquals(0, procStop.p());
        assertEquals(SENDER, find(ev, EV_GO_UNBLOCK, SENDER, 5_500).g());
        assertEquals(0, find(ev, EV_GC_START, 0, 8_500).g(), "GC events are on no goroutine");

        // the syscall exit got its real time (tick 11000), before goroutine 1 ended (12000), and its pseudo-P
        TraceEvent exit = find(ev, EV_GO_SYSEXIT, SYSCALLER, 10_500);
        assertEquals(Trace.SYSCALL_P, exit.p());
        assertTrue(exit.index() < find(ev, EV_GO_END, MAIN, 11_500).index());
        assertSame(exit, syscall.link(), "a blocking syscall links to its exit");

        // running slices: start -> end, the unblock -> the next start, GC start -> done
        assertEquals(EV_GO_BLOCK_RECV, mainStart.link().type());
        assertSame(find(ev, EV_GO_UNBLOCK, SENDER, 5_500), mainStart.link().link());
        assertSame(find(ev, EV_GO_START, MAIN, 6_600), mainStart.link().link().link());
        assertEquals(EV_GC_DONE, find(ev, EV_GC_START, 0, 8_500).link().type());
        assertEquals(Trace.GC_P, find(ev, EV_GC_START, 0, 8_500).p());

        // print: one line per event
        String dump = trace.dump();
        assertEquals(23, dump.lines().count());
        assertTrue(dump.contains(" GoSysExit p=1000003 g=5 off=" + exit.offset() + " g=5 seq=2 ts=11000"), dump);
    }

    @Test
    void futileWakeupsAreRemoved() throws Exception {
        // g 2 unblocked by g 1, starts, finds its wakeup futile and blocks again: all four go
        byte[] bytes = start(new HandBuiltTrace())
                .event(EV_GO_CREATE, 1030, 2, 0, 0)
                .event(EV_GO_WAITING, 1040, 2)
                .event(EV_GO_UNBLOCK_LOCAL, 1050, 2, 0)
                .event(EV_GO_BLOCK, 1060, 0)
                .event(EV_GO_START_LOCAL, 1070, 2)
                .event(EV_FUTILE_WAKEUP, 1080)
                .event(EV_GO_BLOCK_SYNC, 1090, 0)
                .bytes();
        List<String> types = TraceReader.read(bytes).events().stream().map(TraceEvent::typeName).toList();
        assertEquals(List.of("GoCreate", "ProcStart", "GoStart", "GoCreate", "GoWaiting", "GoBlock"), types);
    }

    // ---- broken traces ----

    @Test
    void refusesOtherVersions() {
        byte[] header = "go 1.25 trace\0\0\0".getBytes(StandardCharsets.US_ASCII);
        TraceException e = assertThrows(TraceException.class, () -> TraceReader.read(new HandBuiltTrace(header).frequency(1).bytes()));
        assertTrue(e.getMessage().contains("unsupported trace file version 1.25") && e.getMessage().contains("1019"), e.getMessage());
        byte[] v111 = "go 1.11 trace\0\0\0".getBytes(StandardCharsets.US_ASCII);
        e = assertThrows(TraceException.class, () -> TraceReader.read(new HandBuiltTrace(v111).bytes()));
        assertTrue(e.getMessage().contains("version 1.11"), e.getMessage());
        e = assertThrows(TraceException.class, () -> TraceReader.read("not a trace at all".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(e.getMessage().startsWith("not a trace file"), e.getMessage());
    }

    @Test
    void refusesAPRunningTwoGoroutines() {
        byte[] bytes = start(new HandBuiltTrace())
                .event(EV_GO_CREATE, 1030, 2, 0, 0)
                .event(EV_GO_START_LOCAL, 1040, 2)
                .bytes();
        TraceException e = assertThrows(TraceException.class, () -> TraceReader.read(bytes));
        assertTrue(e.getMessage().startsWith("p 0 is already running g 1 while start g 2 (offset "), e.getMessage());
        assertTrue(e.getMessage().endsWith(", time 40)"), e.getMessage()); // ns since the first event
    }

    @Test
    void refusesAnUnblockOfARunningGoroutine() {
        // g 1 runs on P0 (seq 2 next); g 2 on P1 unblocks it with that seq, as if it were waiting
        byte[] bytes = start(new HandBuiltTrace())
                .event(EV_GO_CREATE, 1030, 2, 0, 0)
                .batch(1, 2000)
                .event(EV_PROC_START, 2000, 8)
                .event(EV_GO_START, 2010, 2, 1)
                .event(EV_GO_UNBLOCK, 2020, 1, 2, 0)
                .bytes();
        TraceException e = assertThrows(TraceException.class, () -> TraceReader.read(bytes));
        assertTrue(e.getMessage().startsWith("no consistent ordering of events possible: p 1's next event GoUnblock at offset "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("needs g 1 waiting with seq 2, but it is running with seq 2"), e.getMessage());
        assertTrue(e.offset() > 16);
    }

    @Test
    void refusesATruncatedEvent() {
        byte[] whole = HandBuiltTrace.sample();
        byte[] cut = Arrays.copyOf(whole, whole.length - 1); // the last ProcStop keeps its type byte only
        TraceException e = assertThrows(TraceException.class, () -> TraceReader.read(cut));
        assertEquals(String.format("failed to read ProcStop argument at offset %d (event at offset 0x%x): "
                + "the trace ends there (truncated)", whole.length - 1, whole.length - 2), e.getMessage());
        assertEquals(whole.length - 2, e.offset());

        byte[] cutString = Arrays.copyOf(whole, 40); // inside the string table
        e = assertThrows(TraceException.class, () -> TraceReader.read(cutString));
        assertTrue(e.getMessage().startsWith("failed to read String string at offset") && e.getMessage().endsWith("(truncated)"),
                e.getMessage());
    }

    @Test
    void refusesOtherInconsistencies() {
        assertRefused(start(new HandBuiltTrace()).event(EV_PROC_START, 1050, 9), "p 0 is running before start");
        assertRefused(start(new HandBuiltTrace()).event(EV_GO_END, 1050).event(EV_PROC_STOP, 1060).event(EV_PROC_STOP, 1070),
                "p 0 is not running before stop");
        assertRefused(start(new HandBuiltTrace()).event(EV_PROC_STOP, 1050), "p 0 is running a goroutine 1 during stop");
        assertRefused(start(new HandBuiltTrace()).event(EV_STW_DONE, 1050), "bogus STW end");
        assertRefused(start(new HandBuiltTrace()).event(EV_STW_START, 1050, 0).event(EV_STW_START, 1060, 1),
                "previous STW is not ended before a new one");
        // a CPU sample names goroutine 9 (outside the merge's sequences), so creating it after is an error
        assertRefused(start(new HandBuiltTrace()).event(EV_CPU_SAMPLE, 1040, 1040, 0, 9, 0)
                .event(EV_GO_CREATE, 1050, 9, 0, 0), "g 9 already exists");
        assertRefused(start(new HandBuiltTrace()).event(EV_GO_END, 1050).event(EV_GO_SYSCALL, 1060, 0),
                "g 0 did GoSysCall");
        assertRefused(start(new HandBuiltTrace()).event(EV_STW_START, 1050, 7), "unknown STW kind 7");
        // two starts of g 1 after its create, both ready: once P0's is merged, P1's no longer fits
        assertRefused(start(new HandBuiltTrace()).batch(1, 1000).event(EV_GO_START, 1500, 1, 1),
                "event sequences are broken: GoStart at offset");
        // g 1 never blocks, so P1's unblock of it waits for ever
        assertRefused(start(new HandBuiltTrace()).batch(1, 1000).event(EV_GO_UNBLOCK, 1500, 1, 5, 0),
                "no consistent ordering of events possible: p 1's next event GoUnblock");
        // the only consistent order puts the start (tick 500) after the create (tick 1000)
        assertRefused(new HandBuiltTrace().frequency(1000).batch(0, 1000).event(EV_GO_CREATE, 1000, 1, 0, 0)
                        .batch(1, 500).event(EV_GO_START, 500, 1, 1),
                "time stamps out of order: GoStart at offset");
        assertRefused(new HandBuiltTrace().frequency(1000), "trace is empty");
        assertRefused(new HandBuiltTrace().batch(0, 5).event(EV_PROC_START, 6, 1), "no EvFrequency event");
        assertRefused(start(new HandBuiltTrace()).raw(63), "unknown event type 63 at offset 0x");
        assertRefused(start(new HandBuiltTrace()).raw(EV_GO_END | 1 << 6, 1, 2), "GoEnd has wrong number of arguments");
    }

    // ---- helpers ----

    /** A trace at 1 GHz (a tick a nanosecond) where P0 runs goroutine 1 from tick 1020 (GoStartLocal: seq 2 next). */
    private static HandBuiltTrace start(HandBuiltTrace t) {
        return t.frequency(1_000_000_000L).batch(0, 1000)
                .event(EV_GO_CREATE, 1000, 1, 0, 0)
                .event(EV_PROC_START, 1010, 7)
                .event(EV_GO_START_LOCAL, 1020, 1);
    }

    private static void assertRefused(HandBuiltTrace t, String messageStart) {
        TraceException e = assertThrows(TraceException.class, () -> TraceReader.read(t.bytes()), messageStart);
        assertTrue(e.getMessage().startsWith(messageStart), "expected \"" + messageStart + "...\", got: " + e.getMessage());
    }

    private static TraceEvent find(List<TraceEvent> events, int type, long g, long ts) {
        List<TraceEvent> found = events.stream().filter(e -> e.type() == type && e.g() == g && e.ts() == ts).toList();
        assertEquals(1, found.size(), () -> "one " + TraceFormat.name(type) + " of g " + g + " at " + ts + " in:\n"
                + events.stream().map(TraceEvent::toString).collect(Collectors.joining("\n")));
        return found.getFirst();
    }

    private static void assertInTimeOrder(Trace trace) {
        long last = 0;
        for (TraceEvent e : trace.events()) {
            assertTrue(e.ts() >= last, "in time order: " + e);
            last = e.ts();
        }
        assertEquals(0, trace.events().getFirst().ts());
    }

    /** Event type name (the second field of a line) to count. */
    private static Map<String, Long> countByType(List<String> lines) {
        return lines.stream().map(l -> l.split(" ", 3)[1])
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
    }

    /** Go's parse of {@code file}: {@code go tool trace -d} prints each event (trace.Print) on stdout. */
    private static List<String> goToolTraceD(Path go, Path file, Path cache) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(go.toString(), "tool", "trace", "-d", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD); // "Parsing trace..." and Go's errors
        pb.environment().put("GOCACHE", cache.toString());
        pb.environment().put("GOTOOLCHAIN", "local");
        Process p = pb.start();
        List<String> lines;
        try (var r = p.inputReader(StandardCharsets.UTF_8)) {
            lines = r.lines().toList();
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("go tool trace -d " + file + " did not finish in 120 s");
        }
        assertEquals(0, p.exitValue(), "go tool trace -d " + file);
        return lines;
    }

    @Test
    void formatTablesAgreeWithGo() {
        // a few of Go's EventDescriptions, as go tool trace -d names them
        assertEquals(List.of("g", "stack"), argNames(EV_GO_CREATE));
        assertEquals(List.of("g", "seq", "ts"), argNames(EV_GO_SYSEXIT));
        assertEquals(List.of("label"), stringArgNames(EV_GO_START_LABEL));
        assertTrue(!hasTimestamp(EV_TIMER_GOROUTINE) && hasTimestamp(EV_GO_END));
        assertNull(name(0));
    }
}
