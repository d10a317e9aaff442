package dev.jgort.bench;

import dev.jgort.api.GoRuntime;
import dev.jgort.api.RuntimeConfig;
import dev.jgort.chan.RecvChan;
import dev.jgort.chan.Timer;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A burst of timers expiring together (issue 11; Go's version is {@code bench/go/timerburst}): 100,000
 * goroutines each wait for the same instant T (2 s after the round starts, once all are waiting) and
 * record how late they woke. Per round the lateness's p50, p99 and max; then the medians. Six ways,
 * one after the other in one JVM: jgort with {@code Timer.after} (a channel timer, on the goroutine's
 * P) and with {@code Thread.sleep} (a goroutine timeout, on its P), and the JDK's default scheduler
 * with the same two (its own timer threads); and on each scheduler the floor without timers,
 * {@code unpark all}: every thread parks, and at T one platform thread unparks them all.
 *
 * <pre>./jgort run dev.jgort.bench.TimerBurst [rounds] [timers] [only]      (bench/timer-burst.sh runs it beside Go)</pre>
 *
 * Both schedulers get 2 carriers ({@code jdk.virtualThreadScheduler.parallelism=2} for the JDK's, set
 * here before its first virtual thread; GOMAXPROCS 2 for jgort).
 */
public final class TimerBurst {
    private TimerBurst() {}

    /** How a thread waits for the deadline: {@code arm} before it counts itself ready, then the wait. */
    private interface Wait {
        Waiting arm(long deadlineNanos);
    }

    private interface Waiting {
        void await() throws InterruptedException;
    }

    /** As Go's program: the timer is made ({@code time.After}) before the goroutine counts itself ready. */
    private static final Wait TIMER_CHAN = deadline -> {
        RecvChan<Instant> c = Timer.after(Duration.ofNanos(deadline - System.nanoTime()));
        return c::recv;
    };
    private static final Wait SLEEP = deadline -> () -> {
        long left = deadline - System.nanoTime();
        if (left > 0) Thread.sleep(Duration.ofNanos(left));
    };

    /**
     * The floor, without timers: each thread parks, and at the deadline one platform thread unparks
     * them all (what any timer implementation must at least do: ready every waiter and run it).
     */
    private static final class UnparkAll implements Wait {
        private final Queue<Thread> parked = new ConcurrentLinkedQueue<>();
        private volatile boolean released;

        @Override
        public Waiting arm(long deadlineNanos) {
            parked.add(Thread.currentThread());
            return () -> {
                while (!released) LockSupport.park();
            };
        }

        /** On the round's driver: waits for the deadline, then unparks every thread. */
        void release(long deadlineNanos) {
            long left;
            while ((left = deadlineNanos - System.nanoTime()) > 0) LockSupport.parkNanos(left);
            released = true;
            for (Thread t : parked) LockSupport.unpark(t);
            parked.clear();
        }
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("jdk.virtualThreadScheduler.parallelism", "2");
        System.setProperty("jdk.virtualThreadScheduler.maxPoolSize", "256");
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int timers = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        only = args.length > 2 ? args[2] : "";
        System.out.println("TimerBurst: " + timers + " timers per burst, " + rounds + " rounds, 2 carriers");
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(2).withBackend("java"))) {
            run("jgort, Timer.after", rt.threadFactory(), TIMER_CHAN, rounds, timers);
            run("jgort, Thread.sleep", rt.threadFactory(), SLEEP, rounds, timers);
            run("jgort, unpark all", rt.threadFactory(), null, rounds, timers);
        }
        ThreadFactory jdk = Thread.ofVirtual().factory();
        run("JDK, Timer.after", jdk, TIMER_CHAN, rounds, timers);
        run("JDK, Thread.sleep", jdk, SLEEP, rounds, timers);
        run("JDK, unpark all", jdk, null, rounds, timers);
    }

    /** Runs only the ways whose name contains this (the third argument), e.g. {@code "jgort, Timer"}. */
    private static String only = "";

    private static void run(String what, ThreadFactory threads, Wait wait, int rounds, int timers) throws Exception {
        if (!what.contains(only)) return;
        round(threads, wait, timers); // warm-up
        double[] p50 = new double[rounds], p99 = new double[rounds], max = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long[] late = round(threads, wait, timers);
            p50[r] = ms(late[timers / 2]);
            p99[r] = ms(late[timers * 99 / 100]);
            max[r] = ms(late[timers - 1]);
            System.out.printf("%-20s round %d: lateness p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", what, r + 1, p50[r], p99[r], max[r]);
        }
        System.out.printf("%-20s median over %d rounds: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", what, rounds,
                median(p50), median(p99), median(max));
    }

    /**
     * One burst: every thread waits for the same deadline; returns the sorted latenesses in ns. A null
     * {@code wait}: {@link UnparkAll}, released by this thread.
     */
    private static long[] round(ThreadFactory threads, Wait how, int n) throws Exception {
        UnparkAll unparker = how == null ? new UnparkAll() : null;
        Wait wait = how == null ? unparker : how;
        long[] late = new long[n];
        CountDownLatch ready = new CountDownLatch(n), done = new CountDownLatch(n);
        long start = System.nanoTime(), deadline = start + LEAD_NANOS;
        for (int i = 0; i < n; i++) {
            int k = i;
            threads.newThread(() -> {
                try {
                    Waiting w = wait.arm(deadline);
                    ready.countDown();
                    w.await();
                    late[k] = System.nanoTime() - deadline;
                } catch (InterruptedException e) {
                    late[k] = Long.MAX_VALUE;
                } finally {
                    done.countDown();
                }
            }).start();
        }
        ready.await();
        long readyAt = System.nanoTime();
        if (readyAt - deadline > 0) {
            throw new IllegalStateException("the threads took " + ms(readyAt - start) + " ms to start, over the lead time");
        }
        if (unparker != null) unparker.release(deadline);
        if (!done.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("a burst did not end within 60 s");
        Arrays.sort(late);
        return late;
    }

    /** How long before the deadline a round starts its threads. */
    private static final long LEAD_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static double ms(long ns) {
        return ns / 1e6;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
