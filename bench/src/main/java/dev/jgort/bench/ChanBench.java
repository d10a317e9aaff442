package dev.jgort.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Channels side by side, in one JMH run: jgort's channels on jgort, the JDK's queues
 * ({@code SynchronousQueue} for unbuffered, {@code ArrayBlockingQueue} for buffered) on the JDK's
 * default scheduler, and jox's channels and the JDK's queues on jgort ({@code jox-jgort},
 * {@code jdk-jgort}: a library's channels inside goroutines). Targets (time ratios): unbuffered
 * ping-pong jgort ≤ 0.5 × JDK and ≤ 0.8 × jox; prodCons100 jgort ≤ 1.0 × JDK; jox-jgort ≤ 1.0 × jox;
 * {@code jdk-jgort} ping-pong stable (max/min of 10 iterations ≤ 1.5).
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class ChanBench extends BenchBase {

    /**
     * {@code jgort}, {@code jdk} (queues) or {@code jox} (those two on the JDK's scheduler), or
     * {@code jox-jgort} and {@code jdk-jgort} (on jgort).
     */
    @Param({"jgort", "jdk", "jox", "jox-jgort", "jdk-jgort"})
    public String channels;

    private Spawner spawner;
    private BenchChan.Maker maker;

    @Setup(Level.Trial)
    public void start() {
        maker = switch (channels) {
            case "jgort" -> BenchChan::jgort;
            case "jdk", "jdk-jgort" -> BenchChan::jdk;
            case "jox", "jox-jgort" -> BenchChan::jox;
            default -> throw new IllegalArgumentException("channels \"" + channels + "\" is unknown: use jgort, jdk, jox, jox-jgort or jdk-jgort");
        };
        spawner = spawnerFor(channels.endsWith("-jgort") ? "jgort" : channels);
    }


    @Benchmark
    public long pingPong() throws InterruptedException {
        return ChanWorkloads.pingPong(spawner, maker);
    }

    @Benchmark
    public long chanSync() throws InterruptedException {
        return ChanWorkloads.chanSync(spawner, maker);
    }

    @Benchmark
    public long prodCons0() throws InterruptedException {
        return ChanWorkloads.prodCons(spawner, maker, 0);
    }

    @Benchmark
    public long prodCons10() throws InterruptedException {
        return ChanWorkloads.prodCons(spawner, maker, 10);
    }

    @Benchmark
    public long prodCons100() throws InterruptedException {
        return ChanWorkloads.prodCons(spawner, maker, 100);
    }

    @Benchmark
    public long skynet() throws InterruptedException {
        return ChanWorkloads.skynet(spawner, maker);
    }
}
