package dev.jgort.bench;

import org.openjdk.jmh.annotations.Benchmark;

/**
 * Two goroutines alternating 100,000 times with park/unpark. Go: the ping-pong of
 * {@code BenchmarkPingPongHog} (runtime/proc_test.go) without the hog. Target: jgort/JDK at most 0.8.
 */
public class PingPongBench extends SchedulerBench {

    @Benchmark
    public long pingPong() throws InterruptedException {
        return Workloads.pingPong(spawner);
    }
}
