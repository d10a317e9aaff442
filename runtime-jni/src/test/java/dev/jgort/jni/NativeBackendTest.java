package dev.jgort.jni;

import dev.jgort.api.GoRuntime;
import dev.jgort.api.RuntimeConfig;
import dev.jgort.api.RuntimeStats;
import dev.jgort.spi.G0;
import dev.jgort.spi.StackChoice;
import dev.jgort.spi.ThreadStart;
import dev.jgort.spi.ThreadStartException;
import dev.jgort.spi.TlsSlot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.jgort.core.api.GoTestSupport.BOUND;
import static dev.jgort.core.api.GoTestSupport.inGoroutine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The native backend: Ms are native threads with the stack {@code allocm} chose, found again through
 * their TLS slot, reaped by the free-M sweep; failures are exceptions, not crashes.
 */
class NativeBackendTest {

    @BeforeAll
    static void libraryLoads() {
        assertNull(NativeLibrary.LOAD_ERROR, "libjgort must load on the platform it was built on");
    }

    private static GoRuntime startNative(int procs) {
        return GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(procs).withBackend("native"));
    }

    /** This module re-runs runtime-core's suite with -Djgort.backend=native: it must really get native Ms. */
    @Test
    void theDefaultsHereSelectTheNativeBackend() {
        assertEquals("native", System.getProperty("jgort.backend"));
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults())) {
            assertEquals("native", rt.stats().backend());
        }
    }

    @Test
    void goroutinesRunOnNativeMsThatKnowTheirMWithoutJni() throws InterruptedException {
        AtomicLong offM = new AtomicLong(-2);
        Thread plain = Thread.ofPlatform().start(() -> offM.set(NativeThreads.currentM()));
        assertTrue(plain.join(BOUND));
        assertEquals(-1, offM.get(), "a thread jgort did not make (and that made no callback) is no M");
        try (GoRuntime rt = startNative(2)) {
            RuntimeStats s = rt.stats();
            assertEquals("native", s.backend());
            long m = inGoroutine(rt, NativeThreads::currentM);
            assertTrue(m >= 0, "jgort_current_m() on an M's thread gives its id, got " + m);
            assertEquals(42L * 42, (long) inGoroutine(rt, () -> 42L * 42));
        }
    }

    /** top -H, perf and gdb show a native M by its own name, not by the name of the thread that made it. */
    @Test
    @EnabledOnOs(OS.LINUX)
    void nativeMsCarryTheirNamesForTheOsToo() throws Exception {
        try (GoRuntime rt = startNative(1)) {
            String name = inGoroutine(rt, () -> dev.jgort.core.api.GoTestSupport.currentCarrier().getName());
            assertTrue(name.matches("jgort\\d+-m\\d+"), name);
            List<String> osNames;
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                osNames = tasks.map(t -> {
                    try {
                        return Files.readString(t.resolve("comm")).strip();
                    } catch (IOException e) {
                        return ""; // the thread ended meanwhile
                    }
                }).toList();
            }
            assertTrue(osNames.contains(name), () -> name + " is not among the OS's thread names " + osNames);
        }
    }

    /** allocm's choice on Linux: a runtime-allocated stack of the reported size with a guard page below. */
    @Test
    @EnabledOnOs(OS.LINUX)
    void mStackIsTheRuntimeAllocatedRegionWithAGuardPageBelow() throws Exception {
        try (GoRuntime rt = startNative(1)) {
            String policy = rt.stats().stackPolicy();
            Matcher kib = Pattern.compile("runtime-allocated (\\d+) KiB").matcher(policy);
            assertTrue(kib.matches(), "Linux: allocm maps the M's stack itself; stats say " + policy);
            long size = Long.parseLong(kib.group(1)) * 1024;
            long[] bounds = inGoroutine(rt, NativeThreads::currentStack); // the carrier's, i.e. the M's
            assertEquals(size, bounds[1] - bounds[0], "the M runs on exactly the region allocm sized");
            assertTrue(guardPageBelow(bounds[0]), "an inaccessible guard page lies right below the stack at 0x" + Long.toHexString(bounds[0]));
        }
    }

    /** Whether an inaccessible page is mapped right below {@code lo}. */
    private static boolean guardPageBelow(long lo) throws IOException {
        long page = NativeThreads.pageSize();
        return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .map(l -> l.split("\\s+"))
                .anyMatch(f -> f[1].startsWith("---p") && range(f[0])[1] == lo && range(f[0])[0] == lo - page);
    }

    /**
     * Go reuses the stacks of exited Ms: once an M's thread is reaped its mapping stays (guard page
     * and all), and the next M of the same size runs on that very region.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void theNextMRunsOnAReapedMsStack() throws Exception {
        NativeBackend backend = new NativeBackend();
        StackChoice stack = new StackChoice(StackChoice.Kind.RUNTIME_ALLOCATED, 320 * 1024);
        AtomicReference<long[]> first = new AtomicReference<>(), second = new AtomicReference<>();
        startAndReap(backend, stack, 1, () -> first.set(NativeThreads.currentStack()));
        assertTrue(guardPageBelow(first.get()[0]), "the reaped M's stack is kept for reuse, not unmapped");
        startAndReap(backend, stack, 2, () -> second.set(NativeThreads.currentStack()));
        assertArrayEquals(first.get(), second.get(), "the second M runs on the first one's stack");
    }

    private static long[] range(String field) {
        String[] ab = field.split("-");
        return new long[] {Long.parseUnsignedLong(ab[0], 16), Long.parseUnsignedLong(ab[1], 16)};
    }

    @Test
    void stackOverflowInAGoroutineOnANativeMStaysInThatGoroutine() throws InterruptedException {
        try (GoRuntime rt = startNative(1)) {
            Throwable t = inGoroutine(rt, () -> {
                try {
                    recurse(0);
                    return null;
                } catch (StackOverflowError e) {
                    return (Throwable) e;
                }
            });
            assertInstanceOf(StackOverflowError.class, t);
            assertEquals(7, (int) inGoroutine(rt, () -> 7), "the M survives and runs the next goroutine");
        }
    }

    private static long recurse(long depth) {
        return recurse(depth + 1) + 1;
    }

    /**
     * Go's free-M protocol with real memory: M create/exit cycles leave the process's mappings and the
     * JVM's JNI global references (each start record holds one to its g0) flat.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void tenThousandMThreadCyclesLeaveTheMappingsAndGlobalRefsFlat() throws Exception {
        NativeBackend backend = new NativeBackend();
        StackChoice stack = new StackChoice(StackChoice.Kind.RUNTIME_ALLOCATED, 256 * 1024);
        AtomicLong ran = new AtomicLong();
        cycles(backend, stack, 200, ran); // warm up whatever the JVM maps once
        int before = mappings();
        int refsBefore = JniGlobalRefs.count();
        cycles(backend, stack, 10_000, ran);
        int after = mappings();
        int refsAfter = JniGlobalRefs.count();
        assertEquals(10_200, ran.get());
        assertTrue(after - before < 50, "mappings grew from " + before + " to " + after + " over 10,000 M cycles");
        assertTrue(refsAfter - refsBefore < 50,
                "JNI global references grew from " + refsBefore + " to " + refsAfter + " over 10,000 M cycles");
    }

    private static void cycles(NativeBackend backend, StackChoice stack, int n, AtomicLong ran) throws ThreadStartException {
        for (int i = 0; i < n; i++) startAndReap(backend, stack, i, ran::incrementAndGet);
    }

    /** Starts M {@code id}'s native thread running {@code fn}, and reaps it once it has ended. */
    private static void startAndReap(NativeBackend backend, StackChoice stack, long id, Runnable fn) throws ThreadStartException {
        TlsSlot tls = backend.newTlsSlot(id);
        G0 g0 = new G0(id, "jgort-test-m" + id, stack);
        backend.newThread(new ThreadStart(g0, tls, fn));
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!backend.reap(g0, tls)) {
            if (System.nanoTime() - deadline > 0) fail("thread of M " + id + " did not end within " + BOUND);
            Thread.onSpinWait();
        }
        assertTrue(g0.isThreadEnded());
    }

    private static int mappings() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/maps"));
        return lines.size();
    }

    @Test
    void aStackTheOsCannotMapIsAThreadStartExceptionWithErrno() {
        NativeBackend backend = new NativeBackend();
        TlsSlot tls = backend.newTlsSlot(1);
        G0 g0 = new G0(1, "jgort-test-huge", new StackChoice(StackChoice.Kind.RUNTIME_ALLOCATED, 1L << 50));
        ThreadStartException e = assertThrows(ThreadStartException.class,
                () -> backend.newThread(new ThreadStart(g0, tls, () -> fail("must not run"))));
        assertNotEquals(0, e.errno(), "the OS error is reported: " + e.getMessage());
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    }

    @Test
    void osProvidedStacksWorkToo() throws Exception {
        NativeBackend backend = new NativeBackend();
        AtomicLong ran = new AtomicLong();
        cycles(backend, new StackChoice(StackChoice.Kind.OS_PROVIDED, 0), 3, ran);
        assertEquals(3, ran.get());
    }
}
