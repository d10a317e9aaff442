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
 * The whole blocking-native run of {@link BlockingNativeBench}: start the 64 blockers and the 2
 * computing goroutines, wait for all. Target: jgort ≤ 0.5 × the JDK, also for the unannotated calls.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BlockingNativeTotalBench extends SchedulerBench {

    /** The blockers' {@link NativeBlocking.Call}. */
    @Param({"syscall", "blockingSyscall", "cgo", "unannotated", "jni", "fifo"})
    public String blockers;

    private NativeBlocking.Call call;
    private NativeBlocking.Fifos fifos;

    @Setup(Level.Trial)
    public void checkBlockers() throws IOException, InterruptedException {
        call = NativeBlocking.Call.of(blockers);
        if (call == NativeBlocking.Call.FIFO) fifos = new NativeBlocking.Fifos();
    }

    @Benchmark
    public long total() throws InterruptedException {
        NativeBlocking.Blockers started = new NativeBlocking.Blockers(spawner, call, fifos);
        long r = NativeBlocking.compute(spawner);
        started.join();
        return r;
    }

    @TearDown(Level.Trial)
    public void removeFifos() throws IOException {
        if (fifos != null) fifos.close();
    }
}
