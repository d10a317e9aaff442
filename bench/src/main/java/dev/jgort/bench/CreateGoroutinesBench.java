package dev.jgort.bench;

import org.openjdk.jmh.annotations.Benchmark;

/**
 * A chain of 100,000 goroutines, each starting the next. Go: {@code BenchmarkCreateGoroutines}
 * (runtime/proc_test.go).
 */
public class CreateGoroutinesBench extends SchedulerBench {

    @Benchmark
    public long createGoroutines() throws InterruptedException {
        return Workloads.createGoroutines(spawner);
    }
}
