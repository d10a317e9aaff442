package dev.jgort.bench;

import com.softwaremill.jox.Channel;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.RuntimeConfig;
import dev.jgort.api.RuntimeStats;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;

/**
 * Ping-pong over rendezvous queues that spin before they park (jox's rendezvous {@code Channel},
 * the JDK's {@code SynchronousQueue}), iteration by iteration, with jgort's steals beside each time
 * (bench/README, "Libraries on goroutines"). Such a pair is fast while its two sides run on two cores
 * and hand values over by spinning, and slow once both sit on one P, where every spin is futile; the
 * per-iteration times and steals show which mode an iteration spent its time in.
 *
 * <pre>./jgort run dev.jgort.bench.SpinHandoff [procs] [iterations] [messages]</pre>
 *
 * jgort runs with {@code procs} Ps, the JDK's scheduler with as many carriers (set here before its
 * first virtual thread).
 */
public final class SpinHandoff {
    private SpinHandoff() {}

    /** One side's two operations on a rendezvous pair, which must be made fresh per iteration. */
    private interface Pair {
        void send(int v) throws InterruptedException;

        int recv() throws InterruptedException;
    }

    private record Jox(Channel<Integer> c) implements Pair {
        public void send(int v) throws InterruptedException {
            c.send(v);
        }

        public int recv() throws InterruptedException {
            return c.receive();
        }
    }

    private record Sq(SynchronousQueue<Integer> q) implements Pair {
        public void send(int v) throws InterruptedException {
            q.put(v);
        }

        public int recv() throws InterruptedException {
            return q.take();
        }
    }

    public static void main(String[] args) throws Exception {
        int procs = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int messages = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        System.setProperty("jdk.virtualThreadScheduler.parallelism", Integer.toString(procs));
        System.out.printf("SpinHandoff: %d messages each way per iteration, %d iterations, %d Ps / carriers%n",
                messages, iterations, procs);
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(procs).withBackend("java"))) {
            ThreadFactory jdk = Thread.ofVirtual().factory();
            run("jox, jgort", rt, rt.threadFactory(), true, iterations, messages);
            run("jox, JDK", null, jdk, true, iterations, messages);
            run("SynchronousQueue, jgort", rt, rt.threadFactory(), false, iterations, messages);
            run("SynchronousQueue, JDK", null, jdk, false, iterations, messages);
        }
    }

    private static void run(String what, GoRuntime rt, ThreadFactory threads, boolean jox, int iterations, int messages)
            throws InterruptedException {
        StringBuilder line = new StringBuilder(String.format("%-24s ms", what));
        StringBuilder steals = new StringBuilder(String.format("%-24s steals", ""));
        for (int i = 0; i < iterations; i++) {
            Pair ping = jox ? new Jox(Channel.newRendezvousChannel()) : new Sq(new SynchronousQueue<>());
            Pair pong = jox ? new Jox(Channel.newRendezvousChannel()) : new Sq(new SynchronousQueue<>());
            RuntimeStats before = rt != null ? rt.stats() : null;
            long t0 = System.nanoTime();
            Thread partner = threads.newThread(() -> {
                try {
                    for (int k = 0; k < messages; k++) pong.send(ping.recv());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long[] sum = new long[1];
            Thread self = threads.newThread(() -> {
                try {
                    for (int k = 0; k < messages; k++) {
                        ping.send(1);
                        sum[0] += pong.recv();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            partner.start();
            self.start();
            self.join();
            partner.join();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (sum[0] != messages) throw new IllegalStateException(what + ": " + sum[0] + " of " + messages + " replies");
            line.append(' ').append(ms);
            if (before != null) steals.append(' ').append(rt.stats().steals() - before.steals());
        }
        System.out.println(line);
        if (rt != null) System.out.println(steals);
    }
}
