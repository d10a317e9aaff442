package dev.jgort.bench;

import org.openjdk.jmh.annotations.Benchmark;

/**
 * 4 goroutines (2 x GOMAXPROCS) calling {@code Thread.yield()} 50,000 times each. Go:
 * {@code runtime.Gosched()} loops ({@code BenchmarkGosched}-style) on every P. Target: jgort/JDK at most 1.1.
 */
public class YieldBench extends SchedulerBench {

    @Benchmark
    public long yield() throws InterruptedException {
        return Workloads.yield(spawner);
    }
}
