package dev.jgort.bench;

import dev.jgort.api.GoRuntime;
import dev.jgort.api.RuntimeConfig;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What every benchmark family shares (JMH applies these annotations to the subclasses): the
 * {@code scheduler} parameter, so each benchmark runs on jgort and on the JDK's default scheduler in
 * the same JMH run, both with 2 carriers, and the {@link Spawner} for the chosen one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// 5 + 10 iterations: skynet's GC pauses make single seconds noisy; the whole suite (12 runs) still
// ends in about 6 minutes on 2 cores.
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = {
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", // JMH's own use of Unsafe, warned about on JDK 25
        "-Djdk.virtualThreadScheduler.parallelism=" + SchedulerBench.CARRIERS,
        "-Djdk.virtualThreadScheduler.maxPoolSize=" + SchedulerBench.CARRIERS})
public abstract class SchedulerBench {

    /** GOMAXPROCS for jgort, and the JDK scheduler's parallelism (set in the fork's arguments). */
    static final int CARRIERS = 2;

    /** {@code jgort}: a jgort runtime with GOMAXPROCS 2; {@code jdk}: the JDK's default scheduler. */
    @Param({"jgort", "jdk"})
    public String scheduler;

    /** Starts goroutines on the scheduler under test. */
    protected Spawner spawner;

    private GoRuntime runtime;

    @Setup(Level.Trial)
    public void startScheduler() {
        spawner = switch (scheduler) {
            case "jgort" -> {
                runtime = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(CARRIERS));
                yield Spawner.jgort(runtime);
            }
            case "jdk" -> Spawner.jdk();
            default -> throw new IllegalArgumentException("scheduler \"" + scheduler + "\" is unknown: use jgort or jdk");
        };
    }

    @TearDown(Level.Trial)
    public void stopScheduler() {
        if (runtime != null) {
            runtime.close();
            runtime = null;
        }
    }
}
