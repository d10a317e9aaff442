package dev.jgort.bench;

import dev.jgort.api.GoRuntime;
import dev.jgort.jni.NativeBackend;
import dev.jgort.spi.G0;
import dev.jgort.spi.StackChoice;
import dev.jgort.spi.ThreadStart;
import dev.jgort.spi.TlsSlot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What it costs to start an M's thread and see it end: libjgort's native thread on a stack the
 * runtime maps ({@code runtime-allocated}, allocm's Linux choice, of the size jgort uses) or one the
 * OS provides ({@code os-provided}), each attaching to the JVM, running an empty body, detaching and
 * being reaped; against {@code Thread.start} + {@code join} of a platform thread ({@code java}).
 * 100 threads per operation, one after the other.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MStartBench extends BenchBase {
    static final int THREADS = 100;

    @Param({"runtime-allocated", "os-provided", "java"})
    public String policy;

    private final NativeBackend backend = new NativeBackend();
    private StackChoice stack;
    private final AtomicLong ran = new AtomicLong();
    private long mId;

    @Setup(Level.Trial)
    public void setUp() {
        String reason = backend.unavailableReason();
        if (reason != null) throw new IllegalStateException("MStartBench needs libjgort: " + reason);
        long size;
        try (GoRuntime rt = startJgort("native")) { // the size allocm picks for this VM
            Matcher m = Pattern.compile("runtime-allocated (\\d+) KiB").matcher(rt.stats().stackPolicy());
            size = m.matches() ? Long.parseLong(m.group(1)) * 1024 : 1 << 20;
        }
        stack = policy.equals("os-provided")
                ? new StackChoice(StackChoice.Kind.OS_PROVIDED, 0)
                : new StackChoice(StackChoice.Kind.RUNTIME_ALLOCATED, size);
    }

    @Benchmark
    public long startAndEnd() throws Exception {
        long before = ran.get();
        for (int i = 0; i < THREADS; i++) {
            if (policy.equals("java")) {
                Thread t = Thread.ofPlatform().start(ran::incrementAndGet);
                t.join();
            } else {
                long id = mId++;
                TlsSlot tls = backend.newTlsSlot(id);
                G0 g0 = new G0(id, "bench-m" + id, stack);
                backend.newThread(new ThreadStart(g0, tls, ran::incrementAndGet));
                while (!backend.reap(g0, tls)) Thread.onSpinWait();
            }
        }
        long n = ran.get() - before;
        if (n != THREADS) throw new IllegalStateException(n + " of " + THREADS + " threads ran");
        return n;
    }
}
