package dev.jgort.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;

/**
 * A blocking native call must not stall the other goroutines (Go: every cgo call is a system call:
 * {@code entersyscall} and sysmon's {@code retake}, or {@code entersyscallblock}, hand the P to another
 * M). 64 goroutines each make 20 blocking calls of ~1 ms ({@link NativeBlocking.Call}) while 2
 * goroutines do fixed CPU work; the op is the time until the 2 computing goroutines finish, with the
 * blockers started just before (their joins are outside the measurement) or without them
 * ({@code none}). Target: jgort's ratio with blockers / {@code none} ≤ 1.3, also for the unannotated
 * calls. {@link BlockingNativeTotalBench} times the whole run.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BlockingNativeBench extends SchedulerBench {

    /**
     * {@code none}: the computing goroutines alone; {@code floor}: the same sleeps made by 64 platform
     * threads that already exist, outside any scheduler (what the sleeps alone cost the computing
     * goroutines here); else the blockers' {@link NativeBlocking.Call}.
     */
    @Param({"none", "floor", "syscall", "blockingSyscall", "cgo", "unannotated", "jni", "fifo"})
    public String blockers;

    private NativeBlocking.Call call;
    private NativeBlocking.Fifos fifos;
    private NativeBlocking.Blockers started;

    @Setup(Level.Trial)
    public void checkBlockers() throws IOException, InterruptedException {
        call = blockers.equals("none") ? null : NativeBlocking.Call.of(blockers);
        if (call == NativeBlocking.Call.FIFO) fifos = new NativeBlocking.Fifos();
    }

    @Benchmark
    public long compute() throws InterruptedException {
        if (call != null) started = new NativeBlocking.Blockers(spawner, call, fifos);
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

    @TearDown(Level.Trial)
    public void removeFifos() throws IOException {
        if (fifos != null) fifos.close();
    }
}
