package dev.jgort.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A blocking native call must not stall the other goroutines (Go: {@code entersyscall} and sysmon's
 * {@code retake}, or {@code entersyscallblock}, hand the P to another M). 64 goroutines each make 20
 * blocking FFM {@code usleep(1000)} calls while 2 goroutines do fixed CPU work; the op is the time until
 * the 2 computing goroutines finish, with the blockers started just before (their joins are outside the
 * measurement) or without them. Target: jgort's ratio with blockers / {@code none} ≤ 1.3.
 * {@link BlockingNativeTotalBench} times the whole run.
 */
public class BlockingNativeBench extends SchedulerBench {

    /**
     * {@code none}: the computing goroutines alone; {@code syscall}: blockers calling through
     * {@code Go.syscall}; {@code blockingSyscall}: through {@code Go.blockingSyscall}. On the JDK's
     * scheduler both are the same plain call.
     */
    @Param({"none", "syscall", "blockingSyscall"})
    public String blockers;

    private NativeBlocking.Blockers started;

    @Setup(Level.Trial)
    public void checkBlockers() {
        if (!blockers.equals("none") && !blockers.equals("syscall") && !blockers.equals("blockingSyscall")) {
            throw new IllegalArgumentException("blockers \"" + blockers + "\" is unknown: use none, syscall or blockingSyscall");
        }
    }

    @Benchmark
    public long compute() throws InterruptedException {
        if (!blockers.equals("none")) started = new NativeBlocking.Blockers(spawner, blockers.equals("blockingSyscall"));
        return NativeBlocking.compute(spawner);
    }

    @TearDown(Level.Invocation)
    public void joinBlockers() throws InterruptedException {
        if (started != null) started.join();
        started = null;
    }

    @Setup(Level.Invocation)
    public void noBlockersYet() {
        started = null;
    }
}
