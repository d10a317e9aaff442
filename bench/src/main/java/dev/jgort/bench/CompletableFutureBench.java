package dev.jgort.bench;

import org.openjdk.jmh.annotations.Benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * CompletableFuture chains whose async stages run as goroutines (issue 13): 20,000 chains of 7 async
 * stages each ({@code supplyAsync} and 6 × {@code thenApplyAsync}), every stage in a new goroutine
 * (virtual thread) of the scheduler under test, started by the thread that completed the stage
 * before; the root waits for all and checks the sum. On jgort the executor is what
 * {@code rt.executor()} does (a goroutine per task), on the JDK a virtual thread per task.
 */
public class CompletableFutureBench extends SchedulerBench {
    static final int CHAINS = 20_000, STAGES = 7;

    @Benchmark
    public long chains() throws InterruptedException {
        Executor exec = task -> spawner.start(task);
        long[] sum = new long[1];
        Thread root = spawner.start(() -> {
            List<CompletableFuture<Long>> fs = new ArrayList<>(CHAINS);
            for (int i = 0; i < CHAINS; i++) {
                long start = i;
                CompletableFuture<Long> f = CompletableFuture.supplyAsync(() -> start, exec);
                for (int s = 1; s < STAGES; s++) f = f.thenApplyAsync(x -> x + 1, exec);
                fs.add(f);
            }
            long total = 0;
            for (CompletableFuture<Long> f : fs) total += f.join();
            sum[0] = total;
        });
        root.join();
        long want = (long) CHAINS * (CHAINS - 1) / 2 + (long) CHAINS * (STAGES - 1);
        if (sum[0] != want) throw new IllegalStateException("chains summed to " + sum[0] + ", not " + want);
        return sum[0];
    }
}
