package dev.jgort.bench;

import org.openjdk.jmh.annotations.Benchmark;

/**
 * Skynet: 1,111,111 goroutines in a tree, 10 children per node, each inner node joining its children
 * and summing (github.com/atemerev/skynet, the Go version). Target: jgort/JDK at most 0.5.
 */
public class SkynetBench extends SchedulerBench {

    @Benchmark
    public long skynet() throws InterruptedException {
        return Workloads.skynet(spawner);
    }
}
