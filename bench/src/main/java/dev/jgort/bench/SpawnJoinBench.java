package dev.jgort.bench;

import org.openjdk.jmh.annotations.Benchmark;

/**
 * One goroutine starts 1,000,000 empty goroutines and joins them in order. Go:
 * {@code BenchmarkCreateGoroutinesSingle} (runtime/proc_test.go). Target: jgort/JDK at most 1.0.
 */
public class SpawnJoinBench extends SchedulerBench {

    @Benchmark
    public long spawnJoin() throws InterruptedException {
        return Workloads.spawnJoin(spawner);
    }
}
