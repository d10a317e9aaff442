package dev.jgort.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Select over 2 and 8 receive cases: jgort's {@code Select} on jgort against jox's
 * {@code Select.select} on the JDK's default scheduler (the JDK's queues have no select).
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class SelectBench extends BenchBase {

    /** {@code jgort}, or {@code jox} on the JDK's scheduler. */
    @Param({"jgort", "jox"})
    public String channels;

    /** The number of receive cases (and producers). */
    @Param({"2", "8"})
    public int cases;

    private Spawner spawner;

    @Setup(Level.Trial)
    public void start() {
        if (!channels.equals("jgort") && !channels.equals("jox")) {
            throw new IllegalArgumentException("channels \"" + channels + "\" is unknown: use jgort or jox");
        }
        spawner = spawnerFor(channels);
    }


    @Benchmark
    public long select() throws InterruptedException {
        return channels.equals("jgort") ? ChanWorkloads.selectJgort(spawner, cases) : ChanWorkloads.selectJox(spawner, cases);
    }
}
