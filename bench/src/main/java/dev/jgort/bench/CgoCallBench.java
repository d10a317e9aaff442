package dev.jgort.bench;

import dev.jgort.api.Go;
import dev.jgort.ffi.Cgo;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cost of a cgo-style call: a trivial C function (libc's {@code abs}) called 100,000 times in a
 * loop inside one jgort goroutine, as a bare FFM downcall ({@code call=bare}), through a
 * {@link Cgo#linker()} handle ({@code cgo}: Go's {@code cgocall}, {@code entersyscall} /
 * {@code exitsyscall} around it), and as a bare downcall inside {@code Go.syscall} ({@code syscall}).
 * The score is ns per call (the goroutine's start and join are spread over the 100,000 calls). Target:
 * {@code cgo} ≤ 15 ns over {@code bare}, and so under Go's own cgo call of the same function
 * ({@code bench/go/cgocall}, 38–45 ns on this machine; {@code bench/compare-go.sh} runs both).
 */
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CgoCallBench extends BenchBase {
    static final int CALLS = 100_000;

    @SuppressWarnings("restricted") // benchmarks run with --enable-native-access
    private static final MemorySegment ABS = Linker.nativeLinker().defaultLookup().find("abs").orElseThrow();
    private static final FunctionDescriptor INT_INT = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    @SuppressWarnings("restricted")
    private static final MethodHandle BARE = Linker.nativeLinker().downcallHandle(ABS, INT_INT);
    private static final MethodHandle CGO = Cgo.linker().downcallHandle(ABS, INT_INT);

    /** {@code bare}, {@code cgo} or {@code syscall}: how the goroutine calls {@code abs}. */
    @Param({"bare", "cgo", "syscall"})
    public String call;

    /** The jgort backend: the default ({@code auto}: native where libjgort loads) or {@code java}. */
    @Param({"auto"})
    public String backend;

    @Setup(Level.Trial)
    public void start() {
        if (!call.equals("bare") && !call.equals("cgo") && !call.equals("syscall")) {
            throw new IllegalArgumentException("call \"" + call + "\" is unknown: use bare, cgo or syscall");
        }
        runtime = startJgort(backend);
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public long calls() throws InterruptedException {
        Runnable loop = switch (call) {
            case "bare" -> CgoCallBench::bareLoop;
            case "cgo" -> CgoCallBench::cgoLoop;
            default -> CgoCallBench::syscallLoop;
        };
        LOOP_RESULT.set(0);
        runtime.go(loop).join();
        long sum = LOOP_RESULT.get();
        if (sum != EXPECTED) throw new IllegalStateException("abs sums to " + sum + ", expected " + EXPECTED);
        return sum;
    }

    private static final long EXPECTED = (long) CALLS * (CALLS - 1) / 2;
    /** The last loop's sum (checked: the calls were made). */
    private static final AtomicLong LOOP_RESULT = new AtomicLong();

    private static void bareLoop() {
        long s = 0;
        try {
            for (int i = 0; i < CALLS; i++) s += (int) BARE.invokeExact(-i);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        LOOP_RESULT.set(s);
    }

    private static void cgoLoop() {
        long s = 0;
        try {
            for (int i = 0; i < CALLS; i++) s += (int) CGO.invokeExact(-i);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        LOOP_RESULT.set(s);
    }

    private static void syscallLoop() {
        long s = 0;
        try {
            for (int i = 0; i < CALLS; i++) {
                int x = -i;
                s += Go.syscall(() -> (int) BARE.invokeExact(x));
            }
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        LOOP_RESULT.set(s);
    }
}
