package dev.jgort.core.api;

import dev.jgort.api.GState;
import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.api.RuntimeStats;
import dev.jgort.ffi.Cgo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.jgort.core.api.GoTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * dev.jgort.ffi.Cgo: downcall handles bracketed as Go's cgocall (entersyscall / exitsyscall), for
 * calls that may block and (blockingLinker) for calls known to block; plain calls outside goroutines.
 */
@SuppressWarnings("restricted") // FFM: surefire runs with --enable-native-access
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CgoTest {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemorySegment USLEEP_ADDRESS = LINKER.defaultLookup().find("usleep").orElseThrow();
    private static final FunctionDescriptor INT_INT = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle ABS = Cgo.linker().downcallHandle(LINKER.defaultLookup().find("abs").orElseThrow(), INT_INT);
    private static final MethodHandle USLEEP = Cgo.linker().downcallHandle(USLEEP_ADDRESS, INT_INT);
    private static final MethodHandle BLOCKING_USLEEP = Cgo.blockingLinker().downcallHandle(USLEEP_ADDRESS, INT_INT);
    private static final MethodHandle STRLEN = Cgo.linker().downcallHandle(LINKER.defaultLookup().find("strlen").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));

    private static void call(MethodHandle usleep, int micros) {
        try {
            assertEquals(0, (int) usleep.invokeExact(micros));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** A goroutine calling {@code usleep(2000)} through {@code handle} until {@code stop}; returns once it began. */
    private static Goroutine startSleeper(GoRuntime rt, Failures failures, MethodHandle handle, AtomicBoolean stop)
            throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        Goroutine sleeper = failures.go(rt, () -> {
            entered.countDown();
            while (!stop.get()) call(handle, 2000);
        });
        assertTrue(entered.await(BOUND.toSeconds(), TimeUnit.SECONDS));
        return sleeper;
    }

    @Test
    void outsideAGoroutineAHandleIsAPlainCall() throws Throwable {
        assertFalse(Go.inGoroutine());
        assertEquals(5, (int) ABS.invokeExact(-5));
        MethodHandle addressFirst = Cgo.linker().downcallHandle(INT_INT);
        assertEquals(7, (int) addressFirst.invokeExact(LINKER.defaultLookup().find("abs").orElseThrow(), -7));
        MethodHandle wrapped = Cgo.wrap(LINKER.downcallHandle(LINKER.defaultLookup().find("abs").orElseThrow(), INT_INT));
        assertEquals(wrapped.type(), ABS.type());
        assertEquals(9, (int) wrapped.invokeExact(-9));
    }

    @Test
    void criticalDowncallsAreRefusedSayingWhy() {
        for (boolean heap : new boolean[]{false, true}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Cgo.linker().downcallHandle(USLEEP_ADDRESS, INT_INT, Linker.Option.critical(heap)));
            assertTrue(e.getMessage().contains("Linker.Option.critical") && e.getMessage().contains("safepoints"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Cgo.blockingLinker().downcallHandle(INT_INT, Linker.Option.critical(heap)));
        }
    }

    @Test
    void inAGoroutineTheCallIsASyscallAndReturnsItsValue() throws Exception {
        try (GoRuntime rt = start(2)) {
            assertEquals(11, (int) inGoroutine(rt, () -> {
                try {
                    return (int) ABS.invokeExact(-11);
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
            }));
            // Nested in Go.syscall: only the outermost is a system call; both return normally.
            assertEquals(3, (int) inGoroutine(rt, () -> {
                try {
                    return Go.syscall(() -> (int) ABS.invokeExact(-3));
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
            }));
        }
    }

    /**
     * One P: a goroutine sits in cgo calls to usleep; sysmon retakes its P as a P in a syscall (Go's
     * rule), not as a native call nor a stuck M, and a second goroutine runs. The first is seen as
     * _Gsyscall meanwhile.
     */
    @Test
    void aGoroutineInACgoCallIsInASyscallAndItsPIsRetaken() throws Exception {
        try (GoRuntime rt = start(1)) {
            AtomicBoolean stop = new AtomicBoolean();
            Failures failures = new Failures();
            Goroutine sleeper = startSleeper(rt, failures, USLEEP, stop);
            awaitOutside(() -> sleeper.state() == GState.SYSCALL, "the goroutine to be in a system call");
            Goroutine other = failures.go(rt, () -> stop.set(true));
            assertJoined(other);
            assertJoined(sleeper);
            failures.check();
            RuntimeStats st = rt.stats();
            assertTrue(st.syscallRetakes() >= 1, st.toString());
            assertEquals(0, st.nativeCallRetakes(), st.toString());
            assertEquals(0, st.stolenProcs(), st.toString());
        }
    }

    /** blockingLinker: entersyscallblock hands the P off at once, so nothing needs retaking. */
    @Test
    void aBlockingCgoCallHandsItsPOffAtOnce() throws Exception {
        try (GoRuntime rt = start(1)) {
            AtomicBoolean stop = new AtomicBoolean();
            Failures failures = new Failures();
            Goroutine sleeper = startSleeper(rt, failures, BLOCKING_USLEEP, stop);
            Goroutine rounds = failures.go(rt, () -> {
                for (int i = 0; i < 1000; i++) Go.gosched();
                stop.set(true);
            });
            assertJoined(rounds);
            assertJoined(sleeper);
            failures.check();
            RuntimeStats st = rt.stats();
            assertEquals(0, st.syscallRetakes(), st.toString());
            assertEquals(0, st.nativeCallRetakes() + st.stolenProcs(), st.toString());
        }
    }

    /** A call that throws (here: an argument from a closed arena) still leaves the system call. */
    @Test
    void aCallThatThrowsStillLeavesTheSyscall() throws Exception {
        try (GoRuntime rt = start(2)) {
            String seen = inGoroutine(rt, () -> {
                MemorySegment s;
                try (Arena a = Arena.ofConfined()) {
                    s = a.allocateFrom("jgort");
                    assertEquals(5L, (long) STRLEN.invokeExact(s));
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
                    long ignored = (long) STRLEN.invokeExact(s);
                });
                return e.getClass().getSimpleName() + " status=" + ownStatus(rt);
            });
            assertEquals("IllegalStateException status=2", seen, "the goroutine must be _Grunning (2), not _Gsyscall (3)");
        }
    }

    /** The calling goroutine's status number in the detailed schedtrace (2: running, 3: in a syscall). */
    private static int ownStatus(GoRuntime rt) {
        String prefix = "  G" + Go.goid() + ": status=";
        for (String line : rt.schedTrace(true).split("\n")) {
            if (line.startsWith(prefix)) return line.charAt(prefix.length()) - '0';
        }
        throw new AssertionError("goroutine " + Go.goid() + " is not in the trace");
    }
}
