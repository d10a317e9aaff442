package dev.jgort.bench;

import dev.jgort.api.GoRuntime;
import dev.jgort.api.RuntimeConfig;
import dev.jgort.chan.Timer;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Wake-up latency from outside the scheduler (issue 13): how late a goroutine runs after something
 * that is not one of the scheduler's threads readies it, beside goroutines that keep every carrier busy
 * in a CPU loop that yields. Five wake-ups:
 * <ul>
 *   <li>{@code sleep}: {@code Thread.sleep(1)}; the delay is the time past 1 ms (the JDK's timer
 *       threads ready the goroutine; on the JDK's scheduler, its ForkJoinPool's own timer);</li>
 *   <li>{@code after}: {@code Timer.after(1 ms).recv()}, jgort's channel timer (on jgort it lives on
 *       the goroutine's P; elsewhere on jgort's timer threads); the time past 1 ms;</li>
 *   <li>{@code sleepers}: 16 goroutines at once each {@code Thread.sleep(1)} and compute ~2 µs, in a
 *       loop (a server whose handlers sleep, without the network); the time past 1 ms of each
 *       sleep;</li>
 *   <li>{@code unpark}: a platform thread {@code LockSupport.unpark}s a parked goroutine; the delay is
 *       from just before the unpark until the goroutine runs;</li>
 *   <li>{@code socket}: a platform thread writes 8 bytes (its clock) to a loopback socket that a
 *       goroutine is blocked reading; the delay is from just before the write until the read returns
 *       (the JDK's socket pollers ready the goroutine).</li>
 * </ul>
 * Each is measured idle (no other goroutine) and busy ({@code hogs} goroutines, by default 2 per
 * carrier, each spinning {@code spinMicros} µs of CPU work and then calling {@code Thread.yield()},
 * forever). p50, p99 and max of the delays (HdrHistogram), for jgort (GOMAXPROCS 2) and the JDK's
 * default scheduler (parallelism 2) in one run.
 *
 * <pre>./jgort run dev.jgort.bench.WakeupLatency [samples] [spinMicros] [only]    (bench/wakeup-latency.sh)</pre>
 */
public final class WakeupLatency {
    private WakeupLatency() {}

    private static final int CARRIERS = 2;

    public static void main(String[] args) throws Exception {
        System.setProperty("jdk.virtualThreadScheduler.parallelism", Integer.toString(CARRIERS));
        System.setProperty("jdk.virtualThreadScheduler.maxPoolSize", "256");
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        long spinNanos = TimeUnit.MICROSECONDS.toNanos(args.length > 1 ? Long.parseLong(args[1]) : 50);
        String only = args.length > 2 ? args[2] : "";
        System.out.printf("WakeupLatency: %d samples per cell, hogs spin %d µs between yields, %d carriers%n",
                samples, spinNanos / 1000, CARRIERS);
        System.out.printf("%-8s %-7s %-5s %10s %10s %10s%n", "wake-up", "sched", "load", "p50 µs", "p99 µs", "max µs");
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(CARRIERS).withBackend("java"))) {
            runAll("jgort", rt.threadFactory(), samples, spinNanos, only);
        }
        runAll("jdk", Thread.ofVirtual().factory(), samples, spinNanos, only);
    }

    private static void runAll(String sched, ThreadFactory threads, int samples, long spinNanos, String only) throws Exception {
        for (String probe : new String[] {"sleep", "after", "sleepers", "unpark", "socket"}) {
            for (int hogs : new int[] {0, 2 * CARRIERS}) {
                String load = hogs == 0 ? "idle" : "busy";
                if (!(probe + " " + sched + " " + load).contains(only)) continue;
                Cell c = measure(probe, threads, samples, hogs, spinNanos);
                Histogram h = c.delays;
                if (c.starvedAfter < 0) {
                    System.out.printf("%-8s %-7s %-5s %10.1f %10.1f %10.1f%n", probe, sched, load,
                            h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3);
                } else { // the delays taken after the hogs stopped say nothing
                    System.out.printf("%-8s %-7s %-5s %10s %10s %10s   STARVED: %d of %d wake-ups in %d s%n", probe, sched,
                            load, "-", "-", "-", c.starvedAfter, samples, CELL_LIMIT_SECONDS);
                }
            }
        }
    }

    /** A cell that takes longer than this is reported as starved: its hogs are stopped so that it ends. */
    private static final int CELL_LIMIT_SECONDS = 30;

    /** A cell's delays (ns); {@code starvedAfter}: the samples taken before the time limit, or -1 if it was met. */
    record Cell(Histogram delays, long starvedAfter) {}

    /** One cell: starts the hogs, takes a warm-up of samples / 10 and then {@code samples} delays (ns). */
    static Cell measure(String probe, ThreadFactory threads, int samples, int hogs, long spinNanos) throws Exception {
        Hogs h = new Hogs(threads, hogs, spinNanos);
        Histogram out = new Histogram(TimeUnit.SECONDS.toNanos(3600), 3);
        Exception[] failed = new Exception[1];
        Thread driver = Thread.ofPlatform().name("wakeup-driver").start(() -> {
            try {
                run(probe, threads, samples / 10, new Histogram(TimeUnit.SECONDS.toNanos(3600), 3)); // warm-up
                run(probe, threads, samples, out);
            } catch (Exception e) {
                failed[0] = e;
            }
        });
        long starvedAfter = -1;
        if (!driver.join(Duration.ofSeconds(CELL_LIMIT_SECONDS))) starvedAfter = out.getTotalCount();
        h.stop();
        driver.join();
        if (failed[0] != null) throw failed[0];
        return new Cell(out, starvedAfter);
    }

    private static void run(String probe, ThreadFactory threads, int n, Histogram out) throws Exception {
        switch (probe) {
            case "sleep" -> sleeps(threads, n, out);
            case "after" -> afters(threads, n, out);
            case "sleepers" -> sleepers(threads, n, out);
            case "unpark" -> unparks(threads, n, out);
            case "socket" -> socketReads(threads, n, out);
            default -> throw new IllegalArgumentException("unknown wake-up " + probe + " (sleep, after, sleepers, unpark, socket)");
        }
    }

    /** {@code n} × {@code Thread.sleep(1)} in one goroutine: the time past 1 ms. */
    private static void sleeps(ThreadFactory threads, int n, Histogram out) throws Exception {
        Thread t = threads.newThread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    Thread.sleep(1);
                    out.recordValue(Math.max(0, System.nanoTime() - t0 - 1_000_000));
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        join(t);
    }

    /** {@code n} × {@code Timer.after(1 ms).recv()} in one goroutine: the time past 1 ms. */
    private static void afters(ThreadFactory threads, int n, Histogram out) throws Exception {
        Thread t = threads.newThread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    Timer.after(Duration.ofMillis(1)).recv();
                    out.recordValue(Math.max(0, System.nanoTime() - t0 - 1_000_000));
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        join(t);
    }

    /** 16 goroutines take {@code n} sleeps of 1 ms between them, each followed by ~2 µs of computing. */
    private static void sleepers(ThreadFactory threads, int n, Histogram out) throws Exception {
        int g = 16;
        List<Thread> all = new ArrayList<>();
        for (int j = 0; j < g; j++) {
            long seed = j + 1;
            Thread t = threads.newThread(() -> {
                long x = seed;
                try {
                    for (int i = 0; i < n / g; i++) {
                        long t0 = System.nanoTime();
                        Thread.sleep(1);
                        long late = Math.max(0, System.nanoTime() - t0 - 1_000_000);
                        synchronized (out) {
                            out.recordValue(late);
                        }
                        for (int k = 0; k < 2000; k++) {
                            x ^= x << 13;
                            x ^= x >>> 7;
                            x ^= x << 17;
                        }
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                if (x == 0) System.out.print(""); // keeps the computing (x is never 0: xorshift)
            });
            all.add(t);
            t.start();
        }
        for (Thread t : all) join(t);
    }

    /**
     * A goroutine parks {@code n} times; a platform thread waits until it is parked (its state), reads
     * the clock and unparks it; the goroutine records how long that took to reach it.
     */
    private static void unparks(ThreadFactory threads, int n, Histogram out) throws Exception {
        long[] sentAt = new long[1];
        Object lock = new Object();
        int[] round = {0};
        Thread g = threads.newThread(() -> {
            for (int i = 0; i < n; i++) {
                synchronized (lock) {
                    round[0] = i + 1;
                }
                while (true) {
                    LockSupport.park();
                    long sent;
                    synchronized (lock) {
                        sent = sentAt[0];
                        if (sent == 0) continue; // spurious
                        sentAt[0] = 0;
                    }
                    out.recordValue(System.nanoTime() - sent);
                    break;
                }
            }
        });
        g.start();
        for (int i = 1; i <= n; i++) {
            while (true) {
                boolean parked;
                synchronized (lock) {
                    parked = round[0] == i;
                }
                if (parked && g.getState() == Thread.State.WAITING) break;
                Thread.onSpinWait();
            }
            synchronized (lock) {
                sentAt[0] = System.nanoTime();
            }
            LockSupport.unpark(g);
            LockSupport.parkNanos(200_000); // let it record before the next round
        }
        join(g);
    }

    /**
     * A goroutine reads {@code n} 8-byte messages from a loopback socket, each the writer's clock just
     * before its write; a platform thread writes the next one once the reader is blocked again (its
     * state). The delay is from the write to the read's return.
     */
    private static void socketReads(ThreadFactory threads, int n, Histogram out) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            client.setTcpNoDelay(true);
            InputStream in = accepted.getInputStream();
            int[] done = {0};
            Thread g = threads.newThread(() -> {
                byte[] buf = new byte[8];
                try {
                    for (int i = 0; i < n; i++) {
                        int got = 0;
                        while (got < 8) {
                            int r = in.read(buf, got, 8 - got);
                            if (r < 0) throw new IOException("closed early");
                            got += r;
                        }
                        long sent = 0;
                        for (int b = 0; b < 8; b++) sent = sent << 8 | (buf[b] & 0xff);
                        out.recordValue(System.nanoTime() - sent);
                        synchronized (done) {
                            done[0] = i + 1;
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            g.start();
            OutputStream o = client.getOutputStream();
            byte[] msg = new byte[8];
            for (int i = 0; i < n; i++) {
                while (true) {
                    int d;
                    synchronized (done) {
                        d = done[0];
                    }
                    // Blocked in read: parked (WAITING) on its socket, not still running.
                    if (d == i && g.getState() == Thread.State.WAITING) break;
                    Thread.onSpinWait();
                }
                long now = System.nanoTime();
                for (int b = 7; b >= 0; b--) {
                    msg[b] = (byte) now;
                    now >>>= 8;
                }
                o.write(msg);
                o.flush();
                LockSupport.parkNanos(200_000);
            }
            join(g);
        }
    }

    private static void join(Thread t) throws InterruptedException {
        if (!t.join(Duration.ofSeconds(600))) throw new IllegalStateException(t + " did not end within 600 s");
    }

    /** Goroutines that spin on the CPU and yield, until stopped. */
    private static final class Hogs {
        private volatile boolean stop;
        private final List<Thread> threads = new ArrayList<>();

        Hogs(ThreadFactory f, int n, long spinNanos) {
            for (int i = 0; i < n; i++) {
                Thread t = f.newThread(() -> {
                    while (!stop) {
                        long end = System.nanoTime() + spinNanos;
                        while (System.nanoTime() < end) Thread.onSpinWait();
                        Thread.yield();
                    }
                });
                t.start();
                threads.add(t);
            }
        }

        void stop() throws InterruptedException {
            stop = true;
            for (Thread t : threads) join(t);
        }
    }
}
