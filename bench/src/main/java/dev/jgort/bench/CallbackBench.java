package dev.jgort.bench;

import dev.jgort.jni.NativeCallbacks;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Callbacks into Java from C threads the JVM did not start: jgort's {@code jgort_invoke} (an extra M
 * and a P per callback, Go's cgocallback) against the JDK's own answer, an FFM upcall stub. From one
 * long-lived C thread (10,000 calls per operation) and from fresh C threads (100 threads per
 * operation, one call each: attach, needm, dropm, detach). Needs gcc at run time (the C side,
 * {@code callbacks.c}, is compiled in the setup). Target: jgort ≤ 1.0× the FFM upcall on
 * long-lived threads.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CallbackBench extends BenchBase {
    static final int LONG_LIVED_CALLS = 10_000;
    static final int FRESH_THREADS = 100;

    private Arena arena;
    private MethodHandle longLivedInvoke, longLivedUpcall, freshInvoke, freshUpcall;
    private MemorySegment invoke, upcall;
    private long id;

    static long identity(long x) {
        return x;
    }

    @Setup(Level.Trial)
    @SuppressWarnings("restricted") // loads the benchmark's own C library, makes an upcall stub
    public void setUp() throws Exception {
        runtime = startJgort("native");
        id = NativeCallbacks.of(runtime).register(x -> x);
        invoke = MemorySegment.ofAddress(NativeCallbacks.invokeAddress());
        Path lib = BenchLibraries.build("callbacks");
        arena = Arena.ofShared();
        SymbolLookup c = SymbolLookup.libraryLookup(lib, arena);
        Linker linker = Linker.nativeLinker();
        var J = ValueLayout.JAVA_LONG;
        var I = ValueLayout.JAVA_INT;
        var A = ValueLayout.ADDRESS;
        longLivedInvoke = linker.downcallHandle(c.find("long_lived_invoke").orElseThrow(), FunctionDescriptor.of(J, A, J, I));
        longLivedUpcall = linker.downcallHandle(c.find("long_lived_upcall").orElseThrow(), FunctionDescriptor.of(J, A, I));
        freshInvoke = linker.downcallHandle(c.find("fresh_invoke").orElseThrow(), FunctionDescriptor.of(J, A, J, I));
        freshUpcall = linker.downcallHandle(c.find("fresh_upcall").orElseThrow(), FunctionDescriptor.of(J, A, I));
        MethodHandle target = MethodHandles.lookup().findStatic(CallbackBench.class, "identity",
                MethodType.methodType(long.class, long.class));
        upcall = linker.upcallStub(target, FunctionDescriptor.of(J, J), arena);
    }

    @TearDown(Level.Trial)
    public void closeArena() {
        arena.close();
    }

    private static long check(long sum, long calls) {
        long expected = calls * (calls - 1) / 2;
        if (sum != expected) throw new IllegalStateException("callback results sum to " + sum + ", expected " + expected);
        return sum;
    }

    @Benchmark
    public long longLivedJgort() throws Throwable {
        return check((long) longLivedInvoke.invokeExact(invoke, id, LONG_LIVED_CALLS), LONG_LIVED_CALLS);
    }

    @Benchmark
    public long longLivedFfmUpcall() throws Throwable {
        return check((long) longLivedUpcall.invokeExact(upcall, LONG_LIVED_CALLS), LONG_LIVED_CALLS);
    }

    @Benchmark
    public long freshThreadsJgort() throws Throwable {
        long sum = (long) freshInvoke.invokeExact(invoke, id, FRESH_THREADS);
        if (sum != 0) throw new IllegalStateException("fresh threads: sum " + sum + ", expected 0");
        return sum;
    }

    @Benchmark
    public long freshThreadsFfmUpcall() throws Throwable {
        long sum = (long) freshUpcall.invokeExact(upcall, FRESH_THREADS);
        if (sum != 0) throw new IllegalStateException("fresh threads: sum " + sum + ", expected 0");
        return sum;
    }
}
