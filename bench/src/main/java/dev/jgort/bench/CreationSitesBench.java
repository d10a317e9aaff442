package dev.jgort.bench;

import dev.jgort.api.GoRuntime;
import dev.jgort.api.RuntimeConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * What recording creation sites costs ({@code RuntimeConfig.withCreationSites}, off by default): the
 * {@link SpawnJoinBench} workload, 1,000,000 goroutines started and joined, on jgort with the setting
 * off and on. Each start then walks the stack for the first frame outside the JDK and jgort.
 */
public class CreationSitesBench extends BenchBase {

    /** Whether the runtime records where each goroutine was created. */
    @Param({"false", "true"})
    public boolean creationSites;

    private Spawner spawner;

    @Setup(Level.Trial)
    public void start() {
        runtime = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(CARRIERS).withBackend("java")
                .withCreationSites(creationSites));
        spawner = Spawner.jgort(runtime);
    }

    @Benchmark
    public long spawnJoin() throws InterruptedException {
        return Workloads.spawnJoin(spawner);
    }
}
