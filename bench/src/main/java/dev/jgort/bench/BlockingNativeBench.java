package dev.jgort.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A blocking native call must not stall the other goroutines (Go: {@code entersyscall} and sysmon's
 * {@code retake} hand the P to another M). 64 goroutines each make 20 blocking FFM
 * {@code usleep(1000)} calls while 2 goroutines do fixed CPU work; the op is the time until the 2
 * computing goroutines finish, with the blockers started just before ({@code blocking=true}; their
 * joins are outside the measurement) or without them. Target: jgort's ratio true/false ≤ 1.3.
 * {@link BlockingNativeTotalBench} times the whole run.
 */
public class BlockingNativeBench extends SchedulerBench {

    @Param({"true", "false"})
    public boolean blocking;

    private NativeBlocking.Blockers blockers;

    @Benchmark
    public long compute() throws InterruptedException {
        if (blocking) blockers = new NativeBlocking.Blockers(spawner);
        return NativeBlocking.compute(spawner);
    }

    @TearDown(Level.Invocation)
    public void joinBlockers() throws InterruptedException {
        if (blockers != null) blockers.join();
        blockers = null;
    }

    @Setup(Level.Invocation)
    public void noBlockersYet() {
        blockers = null;
    }
}
