package dev.jgort.core.api;

import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.api.WorldStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import static dev.jgort.core.api.GoTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The system-call bracket against everyone who may take a goroutine's P while it is in a call:
 * goroutines make short system calls back to back (the fast paths, no lock) and start a child now and
 * then on the P they believe is theirs, while other goroutines block in calls (so sysmon retakes
 * Ps, annotated and not), and a platform thread keeps stopping the world and running forEachP. A P
 * kept by two Ms would corrupt its run queue (a child lost: its join never returns) or trip
 * acquirep's check (a fatal error: close() throws); every call and child must be accounted for.
 */
@SuppressWarnings("restricted") // FFM downcalls: surefire runs with --enable-native-access
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyscallBracketStressTest {
    private static final MethodHandle GETPID = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("getpid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));

    private static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Test
    void shortSyscallsRaceWithRetakesStopTheWorldAndForEachP() throws Exception {
        final int callers = 6, calls = 300_000, childEvery = 1000;
        int pid = getpid();
        try (GoRuntime rt = start(2)) {
            Failures failures = new Failures();
            LongAdder made = new LongAdder(), children = new LongAdder(), safePoints = new LongAdder();
            AtomicBoolean stop = new AtomicBoolean();
            List<Goroutine> blockers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                boolean annotated = i == 0;
                blockers.add(failures.go(rt, () -> {
                    while (!stop.get()) {
                        if (annotated) Go.syscall(() -> SyscallTest.usleep(100)); else SyscallTest.usleep(100);
                    }
                }));
            }
            Thread stopper = failures.thread(() -> {
                while (!stop.get()) {
                    try (WorldStop w = rt.stopTheWorld("stress")) {
                        assertEquals("stress", w.reason());
                    }
                    rt.forEachP(id -> safePoints.increment());
                }
            });
            List<Goroutine> gs = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                gs.add(failures.go(rt, () -> {
                    for (int i = 1; i <= calls; i++) {
                        assertEquals(pid, (int) Go.syscall(SyscallBracketStressTest::getpid));
                        made.increment();
                        if (i % childEvery == 0) {
                            Goroutine child = rt.go(children::increment);
                            assertJoined(child);
                        }
                    }
                }));
            }
            assertAllJoined(gs);
            stop.set(true);
            assertThreadJoined(stopper);
            assertAllJoined(blockers);
            failures.check();
            assertEquals((long) callers * calls, made.sum());
            assertEquals((long) callers * calls / childEvery, children.sum());
            assertTrue(safePoints.sum() > 0);
        }
    }
}
