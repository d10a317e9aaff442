package dev.jgort.bench;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The scheduler benchmarks' base: the {@code scheduler} parameter, so each benchmark runs on jgort and
 * on the JDK's default scheduler in the same JMH run, and the {@link Spawner} for the chosen one.
 */
public abstract class SchedulerBench extends BenchBase {

    /** {@code jgort}: a jgort runtime with GOMAXPROCS 2; {@code jdk}: the JDK's default scheduler. */
    @Param({"jgort", "jdk"})
    public String scheduler;

    /** Starts goroutines on the scheduler under test. */
    protected Spawner spawner;


    @Setup(Level.Trial)
    public void startScheduler() {
        if (!scheduler.equals("jgort") && !scheduler.equals("jdk")) {
            throw new IllegalArgumentException("scheduler \"" + scheduler + "\" is unknown: use jgort or jdk");
        }
        spawner = spawnerFor(scheduler);
    }

}
