package dev.jgort.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * jgort on its two backends: Ms as platform threads ({@code java}) or as native threads made by
 * libjgort on runtime-allocated stacks ({@code native}), running the same skynet and ping-pong.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class NativeBackendBench extends BenchBase {

    @Param({"java", "native"})
    public String backend;

    private Spawner spawner;

    @Setup(Level.Trial)
    public void start() {
        runtime = startJgort(backend);
        spawner = Spawner.jgort(runtime);
    }


    @Benchmark
    public long skynet() throws InterruptedException {
        return Workloads.skynet(spawner);
    }

    @Benchmark
    public long pingPong() throws InterruptedException {
        return Workloads.pingPong(spawner);
    }
}
