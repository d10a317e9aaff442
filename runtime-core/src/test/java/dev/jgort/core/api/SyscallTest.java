package dev.jgort.core.api;

import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.jgort.core.api.GoTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** Go.syscall / Go.blockingSyscall (entersyscall, exitsyscall, handoffp, sysmon's retake) and preemption flags. */
@SuppressWarnings("restricted") // FFM downcalls: surefire runs with --enable-native-access
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyscallTest {

    /** libc's usleep through FFM: blocks the carrier thread, as any native call does. */
    private static final MethodHandle USLEEP = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("usleep").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    static void usleep(int micros) {
        try {
            int rc = (int) USLEEP.invokeExact(micros);
            assertEquals(0, rc);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Test
    void syscallReturnsTheValueAndRethrowsTheCheckedExceptionAsThrown() throws Exception {
        try (GoRuntime rt = start(2)) {
            int v = inGoroutine(rt, () -> Go.syscall(() -> 42));
            assertEquals(42, v);
            IOException thrown = new IOException("disk on fire");
            IOException seen = inGoroutine(rt, () -> {
                try {
                    Go.syscall(() -> {
                        throw thrown;
                    });
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            assertSame(thrown, seen);
            // void form, nested calls, and the goroutine keeps working normally afterwards
            String s = inGoroutine(rt, () -> {
                StringBuilder b = new StringBuilder();
                Go.syscall(() -> {
                    b.append("outer ");
                    Go.blockingSyscall(() -> {
                        b.append("inner");
                    });
                });
                Go.gosched();
                return b.toString();
            });
            assertEquals("outer inner", s);
            // outside a goroutine: just a call
            assertEquals("x", Go.syscall(() -> "x"));
        }
    }

    /**
     * Go's TestPreemptionAfterSyscall: 8 goroutines on 2 Ps loop on short blocking system calls; all 8
     * must get to run (sysmon takes the Ps of goroutines sitting in syscalls) and all must stop.
     */
    @ParameterizedTest
    @ValueSource(ints = {10, 100, 1000})
    void preemptionAfterSyscall(int syscallMicros) throws Exception {
        try (GoRuntime rt = start(2)) {
            final int n = 8;
            CountDownLatch started = new CountDownLatch(n);
            boolean[] stop = new boolean[1];
            Failures failures = new Failures();
            List<Goroutine> gs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                gs.add(failures.go(rt, () -> {
                    started.countDown();
                    while (!readStop(stop)) Go.syscall(() -> usleep(syscallMicros));
                }));
            }
            assertTrue(started.await(BOUND.toSeconds(), TimeUnit.SECONDS),
                    "only " + (n - started.getCount()) + " of " + n + " goroutines started: Ps stuck in syscalls\n"
                            + rt.schedTrace(true));
            writeStop(stop);
            assertAllJoined(gs);
            failures.check();
        }
    }

    private static synchronized boolean readStop(boolean[] stop) {
        return stop[0];
    }

    private static synchronized void writeStop(boolean[] stop) {
        stop[0] = true;
    }

    /**
     * One P: a goroutine blocks in a native call until a second goroutine, started after it, sets a
     * flag. Only a hand-off of the P lets the second run: at once with blockingSyscall, after a sysmon
     * tick with syscall.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aBlockedSyscallHandsItsPToTheOtherGoroutines(boolean blocking) throws Exception {
        try (GoRuntime rt = start(1)) {
            boolean[] flag = new boolean[1];
            CountDownLatch entered = new CountDownLatch(1);
            Failures failures = new Failures();
            Goroutine blocked = failures.go(rt, () -> {
                Runnable call = () -> {
                    entered.countDown();
                    while (!readStop(flag)) usleep(200);
                };
                if (blocking) Go.blockingSyscall(call::run); else Go.syscall(call::run);
            });
            assertTrue(entered.await(BOUND.toSeconds(), TimeUnit.SECONDS));
            Goroutine setter = failures.go(rt, () -> writeStop(flag));
            assertJoined(setter);
            assertJoined(blocked);
            failures.check();
        }
    }

    /**
     * A CPU-bound goroutine that calls Go.checkPreempt() gives up its P when sysmon flags it (after
     * 10 ms on the P): on 1 P a goroutine started after it still runs and ends the hog's loop.
     */
    @Test
    void aHogCallingCheckPreemptLetsAnotherGoroutineRunOnOneP() throws Exception {
        // No P hand-off from a hog (that is StuckMTest's): only preemption may let the other one run.
        try (GoRuntime rt = GoRuntime.start(config(1).withMaxOversubscription(0))) {
            boolean[] lightRan = new boolean[1];
            CountDownLatch hogRunning = new CountDownLatch(1);
            AtomicReference<Integer> preemptions = new AtomicReference<>(0);
            Failures failures = new Failures();
            Goroutine hog = failures.go(rt, () -> {
                hogRunning.countDown();
                int n = 0;
                while (!readStop(lightRan)) {
                    if (Go.checkPreempt()) n++;
                }
                preemptions.set(n);
            });
            assertTrue(hogRunning.await(BOUND.toSeconds(), TimeUnit.SECONDS));
            Goroutine light = failures.go(rt, () -> writeStop(lightRan));
            assertJoined(light);
            assertJoined(hog);
            failures.check();
            assertTrue(preemptions.get() >= 1, "the hog was never asked to yield: " + rt.stats());
        }
    }

    @Test
    void schedTraceShowsAPInASyscall() throws Exception {
        try (GoRuntime rt = start(1)) {
            boolean[] release = new boolean[1];
            CountDownLatch entered = new CountDownLatch(1);
            Failures failures = new Failures();
            Goroutine g = failures.go(rt, () -> Go.syscall(() -> {
                entered.countDown();
                while (!readStop(release)) usleep(200);
            }));
            assertTrue(entered.await(BOUND.toSeconds(), TimeUnit.SECONDS));
            String trace = rt.schedTrace(true);
            assertTrue(trace.contains("status=3(") , "G in a syscall not shown as _Gsyscall:\n" + trace);
            writeStop(release);
            assertJoined(g);
            failures.check();
        }
    }
}
