package dev.jgort.bench;

import org.openjdk.jmh.annotations.Benchmark;

/**
 * 8 producers, one consumer, 200,000 items over an {@code ArrayBlockingQueue(64)}. Go:
 * {@code BenchmarkChanProdCons} (runtime/chan_test.go) with one receiver. Target: jgort/JDK at most 1.0.
 */
public class FanInBench extends SchedulerBench {

    @Benchmark
    public long fanIn() throws InterruptedException {
        return Workloads.fanIn(spawner);
    }
}
