package dev.jgort.jni;

import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.api.RuntimeConfig;
import dev.jgort.api.RuntimeStats;
import dev.jgort.api.WorldStop;
import dev.jgort.core.api.GoTestSupport.Failures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.FileInputStream;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.jgort.core.api.GoTestSupport.BOUND;
import static dev.jgort.core.api.GoTestSupport.assertJoined;
import static dev.jgort.core.api.GoTestSupport.awaitOutside;
import static dev.jgort.core.api.GoTestSupport.currentCarrier;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every native call is a cgo call: a goroutine stuck in a JNI method, an FFM downcall or a JDK native
 * made without {@code Go.syscall} loses its P within a sysmon tick or two, as Go's sysmon retakes the P
 * of a goroutine in a cgo call, seen from HotSpot's own thread state ({@link HotSpotCarrierStates}).
 * What Go asserts for cgo calls, re-expressed, plus the JVM's own cases (GC safepoints, JDK natives).
 */
@EnabledOnOs({OS.LINUX, OS.MAC}) // builds its C library with gcc; Windows is untested (README)
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@SuppressWarnings("restricted") // FFM downcalls and the test's own library: surefire runs with --enable-native-access
class NativeCallWatchTest {
    /** What the issue asks of a goroutine sharing one P with a blocked one: 1,000 gosched rounds within this. */
    private static final Duration ROUNDS_BOUND = Duration.ofSeconds(2);

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle USLEEP = LINKER.downcallHandle(LINKER.defaultLookup().find("usleep").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static Arena arena;
    /** int block_ms(int ms, atomic_int *entered) */
    private static MethodHandle blockMs;
    /** int spin_until(atomic_int *entered, atomic_int *stop): on the CPU, no system call, until *stop */
    private static MethodHandle spinUntil;
    /** void busy_ns(long ns): a short call, on the CPU for about ns */
    private static MethodHandle busyNs;

    @BeforeAll
    static void buildLibrary() throws Exception {
        assertNull(NativeLibrary.LOAD_ERROR);
        assertNull(new HotSpotCarrierStates().unavailableReason(), "HotSpot's thread states must be readable here");
        Path lib = TestLibraries.build("blocking");
        System.load(lib.toString()); // BlockingNatives' JNI methods
        arena = Arena.ofShared();
        SymbolLookup natives = SymbolLookup.libraryLookup(lib, arena);
        blockMs = LINKER.downcallHandle(natives.find("block_ms").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        spinUntil = LINKER.downcallHandle(natives.find("spin_until").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        busyNs = LINKER.downcallHandle(natives.find("busy_ns").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG));
    }

    @AfterAll
    static void closeArena() {
        if (arena != null) arena.close();
    }

    /** A runtime that must see native calls through the VM's thread states (it fails to start otherwise). */
    private static GoRuntime start(int procs) {
        return GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(procs).withNativeCallWatch("threadstate"));
    }

    static void usleep(int micros) {
        try {
            assertEquals(0, (int) USLEEP.invokeExact(micros));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Ways of blocking a carrier in native code without Go.syscall; each is released by {@link #release}. */
    enum Blocker {
        /** libc's usleep through a plain FFM downcall, in a loop until released. */
        FFM_USLEEP,
        /** A JNI native method of the test library that waits on a condition variable. */
        JNI,
        /** {@code FileInputStream.read} on a FIFO with a writer but no data (the JDK's own native). */
        FIFO_READ
    }

    /** One blocked goroutine's way out. */
    private static final class Release implements AutoCloseable {
        final Blocker kind;
        final AtomicBoolean released = new AtomicBoolean();
        final Path fifo;
        final RandomAccessFile writer; // keeps the FIFO open for writing, so opening it to read does not block

        Release(Blocker kind) throws Exception {
            this.kind = kind;
            if (kind == Blocker.FIFO_READ) {
                fifo = Files.createTempDirectory("jgort-fifo").resolve("fifo");
                Process p = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
                assertTrue(p.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo failed");
                writer = new RandomAccessFile(fifo.toFile(), "rw");
            } else {
                fifo = null;
                writer = null;
            }
            if (kind == Blocker.JNI) BlockingNatives.reset();
        }

        /** Runs in the goroutine: blocks in native code until {@link #release()}. */
        void block(CountDownLatch entered) throws Exception {
            switch (kind) {
                case FFM_USLEEP -> {
                    entered.countDown();
                    while (!released.get()) usleep(20_000);
                }
                case JNI -> {
                    entered.countDown();
                    BlockingNatives.awaitRelease();
                }
                case FIFO_READ -> {
                    try (FileInputStream in = new FileInputStream(fifo.toFile())) {
                        entered.countDown();
                        assertEquals(42, in.read());
                    }
                }
            }
        }

        void release() throws Exception {
            released.set(true);
            if (kind == Blocker.JNI) BlockingNatives.release();
            if (kind == Blocker.FIFO_READ) writer.write(42);
        }

        @Override
        public void close() throws java.io.IOException {
            if (writer != null) {
                writer.close();
                Files.deleteIfExists(fifo);
            }
        }
    }

    /**
     * One P: a goroutine blocks in native code without Go.syscall; another, started after it, makes
     * 1,000 gosched rounds within 2 s. Only a hand-off of the P lets it run at all, and it must be the
     * native-call watch's (not the CPU-time heuristic's, not the hog rule's).
     */
    @ParameterizedTest
    @EnumSource(Blocker.class)
    void aGoroutineBlockedInNativeCodeHandsItsOnlyPToTheOthers(Blocker kind) throws Exception {
        try (GoRuntime rt = start(1); Release release = new Release(kind)) {
            Failures failures = new Failures();
            CountDownLatch entered = new CountDownLatch(1);
            Goroutine blocked = failures.go(rt, () -> release.block(entered));
            assertTrue(entered.await(BOUND.toSeconds(), TimeUnit.SECONDS));
            long start = System.nanoTime();
            Goroutine rounds = failures.go(rt, () -> {
                for (int i = 0; i < 1000; i++) Go.gosched();
            });
            boolean done = rounds.join(ROUNDS_BOUND);
            long took = System.nanoTime() - start;
            release.release();
            assertJoined(rounds);
            assertJoined(blocked);
            failures.check();
            RuntimeStats st = rt.stats();
            assertTrue(done, "1,000 gosched rounds beside a goroutine blocked in " + kind + " took "
                    + TimeUnit.NANOSECONDS.toMillis(took) + " ms, over " + ROUNDS_BOUND + ": " + st);
            assertEquals("hotspot", st.nativeCallWatch());
            assertTrue(st.nativeCallRetakes() >= 1, "the P was not retaken as in a native call: " + st);
            assertEquals(0, st.stolenProcs(), "the P was taken by the heuristics, not the native-call watch: " + st);
            awaitOutside(() -> rt.stats().oversubscribed() == 0, "the M without a P to stop");
        }
    }

    /**
     * Go's TestPreemptionAfterSyscall with native calls nobody annotated: 8 goroutines on 2 Ps loop on
     * short blocking FFM calls; all 8 must get to run (sysmon retakes the Ps of goroutines seen in
     * native code) and all must stop.
     */
    @ParameterizedTest
    @ValueSource(ints = {10, 100, 1000})
    void preemptionAfterUnannotatedNativeCalls(int micros) throws Exception {
        try (GoRuntime rt = start(2)) {
            final int n = 8;
            CountDownLatch started = new CountDownLatch(n);
            AtomicBoolean stop = new AtomicBoolean();
            Failures failures = new Failures();
            List<Goroutine> gs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                gs.add(failures.go(rt, () -> {
                    started.countDown();
                    while (!stop.get()) usleep(micros); // no Go.syscall
                }));
            }
            boolean all = started.await(BOUND.toSeconds(), TimeUnit.SECONDS);
            stop.set(true);
            for (Goroutine g : gs) assertJoined(g);
            failures.check();
            assertTrue(all, "only " + (n - started.getCount()) + " of " + n + " goroutines started: " + rt.stats());
            assertTrue(rt.stats().nativeCallRetakes() >= 1, rt.stats().toString());
        }
    }

    /**
     * No false hand-offs: goroutines running Java code only, through 5 s of back-to-back System.gc()
     * (every carrier stopped at safepoints, again and again), are never seen in native code.
     */
    @Test
    void javaCodeUnderAGcStormIsNeverSeenInNativeCode() throws Exception {
        try (GoRuntime rt = start(2)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger gcs = new AtomicInteger();
            Failures failures = new Failures();
            List<Goroutine> gs = new ArrayList<>();
            long[] sums = new long[4];
            for (int i = 0; i < sums.length; i++) {
                int me = i;
                gs.add(failures.go(rt, () -> {
                    long x = me + 1, k = 0;
                    while (!stop.get()) {
                        x = x * 6364136223846793005L + 1442695040888963407L;
                        if ((++k & 0xFFFFF) == 0) Thread.yield();
                        if ((k & 0xFF) == 0) sums[me] += x & 1; // allocation-free: the GCs come from the storm
                    }
                }));
            }
            Thread storm = failures.thread(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (System.nanoTime() - end < 0) {
                    System.gc();
                    gcs.incrementAndGet();
                }
            });
            assertTrue(storm.join(BOUND));
            stop.set(true);
            for (Goroutine g : gs) assertJoined(g);
            failures.check();
            RuntimeStats st = rt.stats();
            assertTrue(gcs.get() > 10, "the storm ran " + gcs.get() + " GCs");
            assertEquals(0, st.nativeCallRetakes(), "Java code was seen in native code during " + gcs.get() + " GCs: " + st);
        }
    }

    /**
     * A goroutine sits in one unannotated 2 s native call: forEachP and stop-the-world still return
     * long before it comes back (sysmon retakes its P as a P in a cgo call, which runs the safe-point
     * function or stops the P).
     */
    @Test
    void forEachPAndStopTheWorldDoNotWaitForALongNativeCall() throws Throwable {
        try (GoRuntime rt = start(2)) {
            MemorySegment entered = arena.allocate(ValueLayout.JAVA_INT);
            Failures failures = new Failures();
            long[] callNanos = new long[1];
            Goroutine blocked = failures.go(rt, () -> {
                long t0 = System.nanoTime();
                try {
                    assertEquals(0, (int) blockMs.invokeExact(2000, entered));
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
                callNanos[0] = System.nanoTime() - t0;
            });
            awaitOutside(() -> entered.get(ValueLayout.JAVA_INT, 0) == 1, "the goroutine to enter its native call");
            long t0 = System.nanoTime();
            AtomicInteger ran = new AtomicInteger();
            rt.forEachP(id -> ran.incrementAndGet());
            long forEachP = System.nanoTime() - t0;
            t0 = System.nanoTime();
            try (WorldStop w = rt.stopTheWorld("test")) {
                assertEquals("test", w.reason());
            }
            long stw = System.nanoTime() - t0;
            assertJoined(blocked);
            failures.check();
            assertEquals(2, ran.get());
            long limit = TimeUnit.SECONDS.toNanos(1); // half the call: they did not wait for it
            assertTrue(forEachP < limit && stw < limit, "forEachP took " + forEachP / 1_000_000 + " ms, stop-the-world "
                    + stw / 1_000_000 + " ms, beside a native call of " + callNanos[0] / 1_000_000 + " ms: " + rt.stats());
            assertTrue(callNanos[0] >= TimeUnit.MILLISECONDS.toNanos(1900), "the call did not last: " + callNanos[0]);
        }
    }

    /**
     * Back in Java after its P was retaken, a goroutine takes the exitsyscall path at its next
     * scheduling point: Go.checkPreempt() finds an idle P and the goroutine runs on with it, on the
     * same M (no yield), which is no longer counted as running without a P.
     */
    @Test
    void aGoroutineBackFromANativeCallTakesAnIdlePAtItsNextSchedulingPoint() throws Exception {
        try (GoRuntime rt = start(1)) {
            BlockingNatives.reset();
            Failures failures = new Failures();
            CountDownLatch entered = new CountDownLatch(1);
            Object[] seen = new Object[3];
            Goroutine blocked = failures.go(rt, () -> {
                entered.countDown();
                BlockingNatives.awaitRelease(); // its P is retaken meanwhile
                Thread before = currentCarrier();
                // Spin, not yield (a yield is a scheduling point itself): until the releaser has ended
                // and its P is idle.
                long deadline = System.nanoTime() + BOUND.toNanos();
                while (rt.stats().idleProcs() != 1) {
                    assertTrue(System.nanoTime() - deadline < 0, "the releaser's P never went idle: " + rt.stats());
                    Thread.onSpinWait();
                }
                seen[0] = Go.checkPreempt();
                seen[1] = currentCarrier() == before;
                seen[2] = rt.stats().oversubscribed();
            });
            assertTrue(entered.await(BOUND.toSeconds(), TimeUnit.SECONDS));
            Goroutine releaser = failures.go(rt, () -> {
                // It runs only once the P was retaken from the blocked goroutine (one P).
                assertTrue(rt.stats().nativeCallRetakes() >= 1, rt.stats().toString());
                BlockingNatives.release();
            });
            assertJoined(releaser);
            assertJoined(blocked);
            failures.check();
            assertEquals(false, seen[0], "checkPreempt yielded instead of taking the idle P");
            assertEquals(true, seen[1], "the goroutine moved to another M");
            assertEquals(0, seen[2], "its M still counts as running without a P");
        }
    }

    /**
     * A goroutine in one long CPU-bound native call (busy all along, no system call) on the only P
     * hands the P to a goroutine that waits for it, which then ends the call: the P is taken as from
     * any CPU hog (Go retakes a cgo call after 10 ms; jgort cannot tell such a call from a loop of
     * quick ones, see the next test).
     */
    @Test
    void aLongCpuBoundNativeCallHandsItsOnlyPToTheOthers() throws Exception {
        MemorySegment entered = arena.allocate(ValueLayout.JAVA_INT);
        MemorySegment stop = arena.allocate(ValueLayout.JAVA_INT);
        try (GoRuntime rt = start(1)) {
            Failures failures = new Failures();
            Goroutine spinning = failures.go(rt, () -> {
                try {
                    assertEquals(0, (int) spinUntil.invokeExact(entered, stop));
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
            });
            try {
                awaitOutside(() -> entered.get(ValueLayout.JAVA_INT, 0) == 1, "the goroutine to enter its native call");
                // It runs only once the P was retaken from the spinning goroutine (one P).
                Goroutine stopper = failures.go(rt, () -> stop.set(ValueLayout.JAVA_INT, 0, 1));
                assertJoined(stopper);
            } finally {
                stop.set(ValueLayout.JAVA_INT, 0, 1); // never leave the carrier spinning
            }
            assertJoined(spinning);
            failures.check();
        }
    }

    /** Quick native calls made back to back: libc's getpid (a system call), and 5 µs of CPU in C. */
    enum QuickCall {
        GETPID, BUSY_5_US
    }

    /**
     * Short native calls cost no hand-off: a goroutine making quick FFM calls back to back for 1 s on
     * the only P (in stretches of 40 ms) (in native code at most of sysmon's looks, but busy, and each call ends long before a
     * tick) is never retaken as if blocked in a native call. (Beside other work it would lose its P as
     * a CPU hog after 20 ms and run on without one, where no retake applies.) Calls of 5 µs with a
     * little Java in between are in native code at nearly every look.
     */
    @ParameterizedTest
    @EnumSource(QuickCall.class)
    void quickNativeCallsInABusyLoopAreNotRetakenAsNativeCalls(QuickCall kind) throws Exception {
        MethodHandle getpid = LINKER.downcallHandle(LINKER.defaultLookup().find("getpid").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT));
        try (GoRuntime rt = start(1)) {
            Failures failures = new Failures();
            long[] calls = new long[1];
            Goroutine busy = failures.go(rt, () -> {
                long n = 0;
                try {
                    // 25 stretches of 40 ms, each a fresh chance of a retake: a goroutine retaken in
                    // its loop would run on without a P until its sleep.
                    for (int stretch = 0; stretch < 25; stretch++) {
                        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(40);
                        while (System.nanoTime() - end < 0) {
                            if (kind == QuickCall.GETPID) {
                                int pid = (int) getpid.invokeExact();
                                if (pid > 0) n++;
                            } else {
                                busyNs.invokeExact(5_000L);
                                n++;
                            }
                        }
                        Thread.sleep(1);
                    }
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
                calls[0] = n;
            });
            assertJoined(busy);
            failures.check();
            assertTrue(calls[0] > 1000, "only " + calls[0] + " calls");
            assertEquals(0, rt.stats().nativeCallRetakes(), rt.stats().toString());
        }
    }

    /** The watch watches: schedtrace names it and counts its retakes apart from Go.syscall's. */
    @Test
    void schedTraceShowsTheWatchAndItsRetakes() throws Exception {
        try (GoRuntime rt = start(1)) {
            String trace = rt.schedTrace(true);
            assertTrue(trace.contains(" nativewatch=hotspot ") && trace.contains(" nativeretakes=0 "), trace);
        }
    }
}
