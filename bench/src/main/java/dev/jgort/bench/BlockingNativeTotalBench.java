package dev.jgort.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * The whole blocking-native run of {@link BlockingNativeBench}: start the 64 blockers and the 2
 * computing goroutines, wait for all. Target: jgort ≤ 0.5 × the JDK.
 */
public class BlockingNativeTotalBench extends SchedulerBench {

    /** {@code true}: the blockers call through {@code Go.blockingSyscall}, else {@code Go.syscall}. */
    @Param({"false", "true"})
    public boolean knownToBlock;

    @Benchmark
    public long total() throws InterruptedException {
        NativeBlocking.Blockers blockers = new NativeBlocking.Blockers(spawner, knownToBlock);
        long r = NativeBlocking.compute(spawner);
        blockers.join();
        return r;
    }
}
