package dev.jgort.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A blocking native call must not stall the other goroutines (Go: {@code entersyscall} and sysmon's
 * {@code retake} hand the P to another M). 64 goroutines each make 20 blocking FFM
 * {@code usleep(1000)} calls while 2 goroutines do fixed CPU work.
 *
 * <ul>
 *   <li>{@code compute} (with {@code blocking} true / false): the time until the 2 computing goroutines
 *       finish, with the 64 blockers started just before (their joins are outside the measurement), or
 *       without them. Target: jgort's ratio true/false ≤ 1.3.</li>
 *   <li>{@code total}: start blockers and computers, wait for all. Target: jgort ≤ 0.5 × the JDK.</li>
 * </ul>
 */
public class BlockingNativeBench extends SchedulerBench {

    @Param({"true", "false"})
    public boolean blocking;

    private Thread[] blockers;

    @Setup(Level.Invocation)
    public void noBlockersYet() {
        blockers = null;
    }

    @Benchmark
    public long compute() throws InterruptedException {
        if (blocking) blockers = NativeBlocking.startBlockers(spawner);
        return NativeBlocking.compute(spawner);
    }

    @TearDown(Level.Invocation)
    public void joinBlockers() throws InterruptedException {
        if (blockers != null) NativeBlocking.joinAll(blockers);
    }

    @Benchmark
    public long total() throws InterruptedException {
        if (!blocking) return NativeBlocking.compute(spawner);
        Thread[] ts = NativeBlocking.startBlockers(spawner);
        long r = NativeBlocking.compute(spawner);
        NativeBlocking.joinAll(ts);
        return r;
    }
}
