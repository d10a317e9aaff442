package dev.jgort.bench;

import dev.jgort.api.GoRuntime;
import dev.jgort.api.RuntimeConfig;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The JMH settings every side-by-side benchmark shares (JMH applies these annotations to the
 * subclasses): average time in ms, one fork per parameter combination, and 2 carriers on both
 * schedulers — GOMAXPROCS 2 for jgort, and the JDK scheduler's parallelism set in the fork's
 * arguments.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// 5 + 10 iterations: skynet's GC pauses make single seconds noisy; the whole suite still ends in
// about 10 minutes on 2 cores.
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 2)
// A fixed heap, touched at start: the million-thread workloads are GC-bound, and with the JVM's
// default sizing the heap's growth and first-touch page faults during a fork moved their scores by
// up to ±80% (the same setting for both schedulers; see bench/README.md).
@Fork(value = 1, jvmArgsAppend = {
        "-Xms" + BenchBase.HEAP, "-Xmx" + BenchBase.HEAP, "-XX:+AlwaysPreTouch",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", // JMH's own use of Unsafe, warned about on JDK 25
        "-Djdk.virtualThreadScheduler.parallelism=" + BenchBase.CARRIERS,
        "-Djdk.virtualThreadScheduler.maxPoolSize=" + BenchBase.CARRIERS})
public abstract class BenchBase {

    /** GOMAXPROCS for jgort, and the JDK scheduler's parallelism (set in the fork's arguments). */
    static final int CARRIERS = 2;
    /** Every fork's heap, initial and maximum. */
    static final String HEAP = "2g";

    /**
     * A jgort runtime with GOMAXPROCS {@link #CARRIERS} on the given backend. The scheduler and channel
     * benchmarks pin {@code "java"}, so their figures do not depend on whether libjgort loads;
     * {@code NativeBackendBench} compares the two backends.
     */
    static GoRuntime startJgort(String backend) {
        return GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(CARRIERS).withBackend(backend));
    }

    /** The jgort runtime a subclass started for this trial, if any; closed after the trial. */
    protected GoRuntime runtime;

    /**
     * The spawner of one side of a comparison: {@code "jgort"} starts {@link #runtime} (java backend);
     * any other side runs on the JDK's default scheduler.
     */
    protected Spawner spawnerFor(String side) {
        if (!side.equals("jgort")) return Spawner.jdk();
        runtime = startJgort("java");
        return Spawner.jgort(runtime);
    }

    @TearDown(Level.Trial)
    public void closeRuntime() {
        if (runtime != null) {
            runtime.close();
            runtime = null;
        }
    }
}
