package dev.jgort.bench;

import dev.jgort.api.GoRuntime;
import dev.jgort.api.RuntimeConfig;
import dev.jgort.api.RuntimeStats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./jgort demo}: runs skynet, ping-pong and a spawn/join burst on jgort and on the JDK's default
 * virtual-thread scheduler in the same JVM, then two channel workloads (jgort's channels against the
 * JDK's blocking queues), prints the median times and their ratio; then goroutines blocked in native
 * calls nobody annotated beside computing ones, with each scheduler's compute slowdown; then shows the
 * scheduler at work ({@code schedtrace} lines taken during a skynet run) and its counters.
 *
 * <p>jgort starts with {@link RuntimeConfig#defaults()}, so {@code GOMAXPROCS} and
 * {@code GODEBUG=schedtrace=N,scheddetail=1} apply. Exits with status 1 if a workload fails, e.g. a
 * wrong sum.
 */
public final class Demo {
    private Demo() {}

    private static final int WARMUP_ROUNDS = 2;
    private static final int MEASURED_ROUNDS = 5;
    private static final int TRACE_LINES = 3;

    /** A workload of {@link Workloads}. */
    @FunctionalInterface
    private interface Workload {
        long run(Spawner spawner) throws InterruptedException;
    }

    /** One timed run of a workload on one side. */
    @FunctionalInterface
    private interface Run {
        long run() throws InterruptedException;
    }

    public static void main(String[] args) {
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults())) {
            run(rt);
        } catch (Throwable e) {
            System.out.flush();
            System.err.println("demo FAILED: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(GoRuntime rt) throws InterruptedException {
        Spawner jgort = Spawner.jgort(rt);
        Spawner jdk = Spawner.jdk();
        printHeader(rt);

        double skynetMillis = compare(String.format("skynet (%,d goroutines, sum checked)", Workloads.SKYNET_GOROUTINES),
                Workloads::skynet, jgort, jdk);
        compare(String.format("ping-pong (%,d round trips)", Workloads.PING_PONG_ROUNDS), Workloads::pingPong, jgort, jdk);
        compare(String.format("spawn/join burst (%,d goroutines)", Workloads.SPAWN_JOIN_COUNT), Workloads::spawnJoin, jgort, jdk);
        System.out.println("channels: jgort's Chan on jgort vs the JDK's queues on the JDK's default scheduler");
        compare(String.format("  unbuffered ping-pong (%,d round trips)", ChanWorkloads.PING_PONG_ROUNDS),
                () -> ChanWorkloads.pingPong(jgort, BenchChan::jgort),
                () -> ChanWorkloads.pingPong(jdk, BenchChan::jdk), "SynchronousQueue");
        compare(String.format("  producers/consumers, capacity 100 (%,d)", ChanWorkloads.PROD_CONS_ITEMS),
                () -> ChanWorkloads.prodCons(jgort, BenchChan::jgort, 100),
                () -> ChanWorkloads.prodCons(jdk, BenchChan::jdk, 100), "ArrayBlockingQueue");

        // Sample often enough to catch the scheduler mid-run three times, at most every 100 ms.
        long period = Math.clamp(Math.round(skynetMillis / (TRACE_LINES + 1)), 1, 100);
        System.out.printf("%nschedtrace during a skynet run on jgort (every %d ms):%n", period);
        for (String line : traceDuring(rt, period, Workloads::skynet, jgort)) System.out.println("  " + line);

        System.out.printf("%nschedtrace with scheddetail at the end:%n%s%n", rt.schedTrace(true).stripTrailing());

        System.out.println();
        blockingNative(jgort, jdk);
        printStats(rt.stats());
    }

    private static void printHeader(GoRuntime rt) {
        String parallelism = System.getProperty("jdk.virtualThreadScheduler.parallelism");
        System.out.println("jgort demo: Go's scheduler for JVM virtual threads vs the JDK's default scheduler");
        System.out.printf("JDK %s (%s), %d cores%n", Runtime.version(), System.getProperty("java.vm.vendor"),
                Runtime.getRuntime().availableProcessors());
        System.out.printf("jgort: GOMAXPROCS=%d, backend %s, native calls seen by %s%n", rt.maxProcs(), rt.stats().backend(),
                rt.stats().nativeCallWatch().equals("hotspot") ? "HotSpot's thread state" : "the CPU-time heuristic");
        System.out.printf("JDK default scheduler: parallelism %s%n", parallelism != null
                ? parallelism + " (jdk.virtualThreadScheduler.parallelism)"
                : Runtime.getRuntime().availableProcessors() + " (available processors)");
        System.out.printf("each workload: %d warm-up rounds, then the median of %d rounds per scheduler%n%n",
                WARMUP_ROUNDS, MEASURED_ROUNDS);
    }

    /**
     * Runs the workload on both schedulers, alternating which goes first, and prints the medians.
     *
     * @return jgort's median in ms
     */
    private static double compare(String label, Workload workload, Spawner jgort, Spawner jdk) throws InterruptedException {
        return compare(label, () -> workload.run(jgort), () -> workload.run(jdk), "JDK default");
    }

    /** {@link #compare(String, Workload, Spawner, Spawner)} for two different runs, the JDK side named {@code jdkName}. */
    private static double compare(String label, Run jgort, Run jdk, String jdkName) throws InterruptedException {
        double[] jgortMillis = new double[MEASURED_ROUNDS];
        double[] jdkMillis = new double[MEASURED_ROUNDS];
        for (int round = -WARMUP_ROUNDS; round < MEASURED_ROUNDS; round++) {
            boolean jgortFirst = (round & 1) == 0;
            double first = time(jgortFirst ? jgort : jdk);
            double second = time(jgortFirst ? jdk : jgort);
            if (round >= 0) {
                jgortMillis[round] = jgortFirst ? first : second;
                jdkMillis[round] = jgortFirst ? second : first;
            }
        }
        double a = median(jgortMillis);
        double b = median(jdkMillis);
        System.out.printf("%-46s jgort %8.1f ms, %-18s %8.1f ms, ratio jgort/JDK = %.2f%n", label, a, jdkName, b, a / b);
        return a;
    }

    /**
     * Every native call is a cgo call: 64 goroutines blocked in native calls that nobody wrapped in
     * {@code Go.syscall} (an FFM downcall to usleep; FileInputStream.read of a pipe fed slowly) beside
     * 2 computing goroutines. Prints, per scheduler, how much slower the computing goroutines finish
     * than alone.
     */
    private static void blockingNative(Spawner jgort, Spawner jdk) throws InterruptedException {
        System.out.printf("native calls nobody annotated: %d goroutines x %d blocking calls of ~1 ms beside %d computing"
                + " goroutines%n", NativeBlocking.BLOCKERS, NativeBlocking.CALLS_EACH, NativeBlocking.COMPUTERS);
        double jgortAlone = medianOf(() -> NativeBlocking.compute(jgort));
        double jdkAlone = medianOf(() -> NativeBlocking.compute(jdk));
        System.out.printf("  %-44s jgort %8.1f ms, %-18s %8.1f ms%n", "computing alone", jgortAlone, "JDK default", jdkAlone);
        blockingNative("FFM downcalls to usleep(1000)", NativeBlocking.Call.UNANNOTATED, null, jgort, jdk, jgortAlone, jdkAlone);
        NativeBlocking.Fifos fifos;
        try {
            fifos = new NativeBlocking.Fifos();
        } catch (java.io.IOException | IllegalStateException e) {
            System.out.println("  FileInputStream.read of a FIFO: skipped (" + e.getMessage() + ")");
            return;
        }
        try (fifos) {
            blockingNative("FileInputStream.read of a slowly fed FIFO", NativeBlocking.Call.FIFO, fifos, jgort, jdk,
                    jgortAlone, jdkAlone);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void blockingNative(String label, NativeBlocking.Call call, NativeBlocking.Fifos fifos, Spawner jgort,
                                       Spawner jdk, double jgortAlone, double jdkAlone) throws InterruptedException {
        double a = medianOf(() -> computeBeside(jgort, call, fifos));
        double b = medianOf(() -> computeBeside(jdk, call, fifos));
        System.out.printf("  %-44s jgort %8.1f ms, %-18s %8.1f ms, compute slowdown jgort %.2fx, JDK %.2fx%n",
                label, a, "JDK default", b, a / jgortAlone, b / jdkAlone);
    }

    /** The computing goroutines' time with the blockers started just before (joined after, untimed). */
    private static double computeBeside(Spawner spawner, NativeBlocking.Call call, NativeBlocking.Fifos fifos)
            throws InterruptedException {
        long start = System.nanoTime();
        NativeBlocking.Blockers blockers = new NativeBlocking.Blockers(spawner, call, fifos);
        NativeBlocking.compute(spawner);
        double ms = (System.nanoTime() - start) / 1e6;
        blockers.join();
        return ms;
    }

    /** A timed run whose result is its own duration in ms. */
    @FunctionalInterface
    private interface Timed {
        double run() throws InterruptedException;
    }

    /** The median of {@link #MEASURED_ROUNDS} runs after one warm-up run. */
    private static double medianOf(Timed run) throws InterruptedException {
        run.run();
        double[] ms = new double[MEASURED_ROUNDS];
        for (int i = 0; i < ms.length; i++) ms[i] = run.run();
        return median(ms);
    }

    private static double medianOf(Run run) throws InterruptedException {
        return medianOf(() -> time(run));
    }

    private static double time(Run run) throws InterruptedException {
        long start = System.nanoTime();
        run.run();
        return (System.nanoTime() - start) / 1e6;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** Runs the workload while a platform thread takes up to {@link #TRACE_LINES} schedtrace lines. */
    private static List<String> traceDuring(GoRuntime rt, long periodMillis, Workload workload, Spawner spawner)
            throws InterruptedException {
        List<String> lines = new ArrayList<>();
        var finished = new CountDownLatch(1);
        Thread sampler = Thread.ofPlatform().name("schedtrace-sampler").daemon().start(() -> {
            try {
                while (lines.size() < TRACE_LINES && !finished.await(periodMillis, TimeUnit.MILLISECONDS)) {
                    lines.add(rt.schedTrace(false).strip());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            workload.run(spawner);
        } finally {
            finished.countDown();
            sampler.join();
        }
        return lines;
    }

    private static void printStats(RuntimeStats s) {
        System.out.printf("%nruntime counters: goroutines created %,d, steals %,d (%,d goroutines stolen), "
                        + "M wake-ups %,d, Ms created %,d (%,d exited), Ms alive %d%n",
                s.goroutinesCreated(), s.steals(), s.stolenGoroutines(), s.mWakeups(),
                s.threadsCreated(), s.threadsExited(), s.threads());
        System.out.printf("Ps retaken by sysmon: %,d from native calls (watch: %s), %,d from Go.syscall, %,d from other"
                + " stuck Ms%n", s.nativeCallRetakes(), s.nativeCallWatch(), s.syscallRetakes(), s.stolenProcs());
    }
}
