package dev.jgort.bench;

import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * jgort only (the JDK's scheduler has no counterpart): the latency of {@code forEachP} (Go's safe-point
 * function on every P) and of a {@code setMaxProcs} round trip 2 → 3 → 2 (stop the world, procresize,
 * start it, twice), with every P busy in short-yielding work (2 goroutines per P calling
 * {@code Thread.yield()} and {@code Go.checkPreempt()} in a loop).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class RuntimeServicesBench {

    private GoRuntime runtime;
    private final AtomicBoolean stop = new AtomicBoolean();
    private Thread[] load;

    @Setup(Level.Trial)
    public void start() {
        runtime = BenchBase.startJgort("java");
        load = new Thread[2 * BenchBase.CARRIERS];
        for (int i = 0; i < load.length; i++) {
            load[i] = runtime.go(() -> {
                while (!stop.get()) {
                    Thread.yield();
                    Go.checkPreempt();
                }
            }).thread();
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : load) t.join();
        runtime.close();
    }

    @Benchmark
    public void forEachP() {
        runtime.forEachP(id -> { });
    }

    @Benchmark
    public int setMaxProcsRoundTrip() {
        int a = runtime.setMaxProcs(BenchBase.CARRIERS + 1);
        int b = runtime.setMaxProcs(BenchBase.CARRIERS);
        if (a != BenchBase.CARRIERS || b != BenchBase.CARRIERS + 1) {
            throw new IllegalStateException("setMaxProcs returned " + a + ", " + b);
        }
        return b;
    }
}
