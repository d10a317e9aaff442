package dev.jgort.bench;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * The benchmark workloads, written once against a {@link Spawner} so that jgort and the JDK's default
 * scheduler run exactly the same code.
 *
 * <p>Each workload runs in a root goroutine started by the spawner (never on the calling thread, which
 * only joins it), checks its own result, and throws {@link IllegalStateException} if it is wrong.
 * Each returns a value derived from the work so that JMH cannot discard it.
 */
public final class Workloads {
    private Workloads() {}

    /** Skynet: leaves, and so the goroutines it starts: 10^6 + 10^5 + ... + 1 = 1,111,111. */
    public static final int SKYNET_LEAVES = 1_000_000;
    public static final int SKYNET_GOROUTINES = 1_111_111;
    /** The sum of 0 .. 999,999. */
    public static final long SKYNET_SUM = 499_999_500_000L;

    public static final int SPAWN_JOIN_COUNT = 1_000_000;
    public static final int CHAIN_LENGTH = 100_000;
    public static final int PING_PONG_ROUNDS = 100_000;
    /** 2 x GOMAXPROCS(2) goroutines, each yielding this often. */
    public static final int YIELDERS = 4;
    public static final int YIELDS_EACH = 50_000;

    public static final int FAN_IN_PRODUCERS = 8;
    public static final int FAN_IN_ITEMS = 200_000;
    public static final int FAN_IN_QUEUE = 64;
    /** The sum of 0 .. FAN_IN_ITEMS - 1: every producer sends its own slice of that range. */
    public static final long FAN_IN_SUM = (long) FAN_IN_ITEMS * (FAN_IN_ITEMS - 1) / 2;

    /**
     * The skynet benchmark (github.com/atemerev/skynet, written for Go): a tree of 1,111,111 goroutines,
     * 10 children per node, 6 levels down to 1,000,000 leaves that return their number; every inner
     * node starts its children, joins them (Go: receives on a channel) and returns the sum.
     */
    public static long skynet(Spawner spawner) throws InterruptedException {
        return inRoot(spawner, () -> {
            var root = new SkynetNode(spawner, 0, SKYNET_LEAVES);
            root.run();
            return check("skynet sum", SKYNET_SUM, root.sum);
        });
    }

    private static final class SkynetNode implements Runnable {
        private final Spawner spawner;
        private final long num;
        private final int size;
        long sum;

        SkynetNode(Spawner spawner, long num, int size) {
            this.spawner = spawner;
            this.num = num;
            this.size = size;
        }

        @Override
        public void run() {
            if (size == 1) {
                sum = num;
                return;
            }
            int step = size / 10;
            var children = new SkynetNode[10];
            Thread[] threads = startAll(spawner, 10, i -> children[i] = new SkynetNode(spawner, num + (long) i * step, step));
            joinAllUnchecked(threads);
            long total = 0;
            for (SkynetNode child : children) total += child.sum;
            sum = total;
        }
    }

    /**
     * Spawn and join a burst: one goroutine starts 1,000,000 goroutines that do nothing, keeping their
     * threads, then joins them in order. Go: {@code BenchmarkCreateGoroutinesSingle} (proc_test.go), one
     * producer whose goroutines the other Ps must steal, with a WaitGroup for the joins.
     */
    public static long spawnJoin(Spawner spawner) throws InterruptedException {
        return inRoot(spawner, () -> {
            Thread[] threads = startAll(spawner, SPAWN_JOIN_COUNT, _ -> NOTHING);
            joinAll(threads);
            return threads.length;
        });
    }

    private static final Runnable NOTHING = () -> {};

    /**
     * A chain of 100,000 goroutines, each starting the next; the last one releases the waiting root.
     * Go: {@code BenchmarkCreateGoroutines} (proc_test.go, one chain), where each new goroutine lands in
     * its parent P's {@code runnext}.
     */
    public static long createGoroutines(Spawner spawner) throws InterruptedException {
        return inRoot(spawner, () -> {
            var done = new CountDownLatch(1);
            spawner.start(new Link(spawner, CHAIN_LENGTH, done));
            done.await();
            return CHAIN_LENGTH;
        });
    }

    private record Link(Spawner spawner, int remaining, CountDownLatch done) implements Runnable {
        @Override
        public void run() {
            if (remaining == 0) {
                done.countDown();
            } else {
                spawner.start(new Link(spawner, remaining - 1, done));
            }
        }
    }

    /**
     * Ping-pong: the root (ping) and one goroutine (pong) hand a turn back and forth 100,000 times with
     * {@link LockSupport#park}/{@link LockSupport#unpark} on a volatile flag, the JVM's gopark/goready.
     * Go: the ping-pong pair of {@code BenchmarkPingPongHog} (proc_test.go) over unbuffered channels,
     * without the hog.
     */
    public static long pingPong(Spawner spawner) throws InterruptedException {
        return inRoot(spawner, () -> new PingPong().play(spawner, PING_PONG_ROUNDS));
    }

    private static final class PingPong {
        private static final int PING = 0, PONG = 1;
        /** Whose turn it is; only the player holding the turn writes it. */
        private volatile int turn = PING;

        long play(Spawner spawner, int rounds) throws InterruptedException {
            Thread ping = Thread.currentThread();
            Thread pong = spawner.start(() -> {
                for (int i = 0; i < rounds; i++) {
                    awaitTurn(PONG);
                    pass(PING, ping);
                }
            });
            for (int i = 0; i < rounds; i++) {
                pass(PONG, pong);
                awaitTurn(PING);
            }
            pong.join();
            return rounds;
        }

        private void pass(int to, Thread player) {
            turn = to;
            LockSupport.unpark(player);
        }

        private void awaitTurn(int me) {
            while (turn != me) LockSupport.park(this);
        }
    }

    /**
     * 2 x GOMAXPROCS goroutines (4) each calling {@link Thread#yield()} 50,000 times: the cost of a
     * reschedule. Go: {@code BenchmarkGosched}-style loops of {@code runtime.Gosched()} on every P.
     */
    public static long yield(Spawner spawner) throws InterruptedException {
        return inRoot(spawner, () -> {
            Thread[] yielders = startAll(spawner, YIELDERS, _ -> () -> {
                for (int i = 0; i < YIELDS_EACH; i++) Thread.yield();
            });
            joinAll(yielders);
            return (long) YIELDERS * YIELDS_EACH;
        });
    }

    /**
     * Fan-in: 8 producers send 200,000 numbers in all over one bounded queue (capacity 64) to the root,
     * which takes them all and checks their sum. Go: {@code BenchmarkChanProdCons} (chan_test.go) with
     * many senders and one receiver on a buffered channel.
     */
    public static long fanIn(Spawner spawner) throws InterruptedException {
        return inRoot(spawner, () -> {
            var queue = new ArrayBlockingQueue<Integer>(FAN_IN_QUEUE);
            int each = FAN_IN_ITEMS / FAN_IN_PRODUCERS;
            Thread[] producers = startAll(spawner, FAN_IN_PRODUCERS, p -> () -> {
                try {
                    for (int i = 0; i < each; i++) queue.put(p * each + i);
                } catch (InterruptedException e) {
                    throw interrupted(e);
                }
            });
            long sum = 0;
            for (int i = 0; i < FAN_IN_ITEMS; i++) sum += queue.take();
            joinAll(producers);
            if (!queue.isEmpty()) {
                throw new IllegalStateException("fan-in: " + queue.size() + " items left after " + FAN_IN_ITEMS);
            }
            return check("fan-in sum", FAN_IN_SUM, sum);
        });
    }

    // ---- helpers shared by the workloads ----

    /** A workload's body, run in the root goroutine. */
    @FunctionalInterface
    interface Body {
        long run() throws Exception;
    }

    /** The root goroutine: runs the body and keeps its result or failure for the joining caller. */
    private static final class Root implements Runnable {
        private final Body body;
        private long result;
        private Throwable failure;

        Root(Body body) {
            this.body = body;
        }

        @Override
        public void run() {
            try {
                result = body.run();
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    /** Runs {@code body} in a root goroutine started by {@code spawner} and waits for it (join). */
    static long inRoot(Spawner spawner, Body body) throws InterruptedException {
        var root = new Root(body);
        spawner.start(root).join();
        if (root.failure instanceof RuntimeException e) throw e;
        if (root.failure instanceof Error e) throw e;
        if (root.failure != null) throw new IllegalStateException("workload failed: " + root.failure, root.failure);
        return root.result;
    }

    /** Starts {@code n} goroutines, the i-th running {@code task.apply(i)}. */
    static Thread[] startAll(Spawner spawner, int n, IntFunction<Runnable> task) {
        var threads = new Thread[n];
        for (int i = 0; i < n; i++) threads[i] = spawner.start(task.apply(i));
        return threads;
    }

    /** Joins the threads in order. */
    private static void joinAll(Thread[] threads) throws InterruptedException {
        for (Thread t : threads) t.join();
    }

    /** {@link #joinAll} for a {@link Runnable}: an interrupt fails the goroutine (and so the result check). */
    private static void joinAllUnchecked(Thread[] threads) {
        try {
            joinAll(threads);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    static IllegalStateException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new IllegalStateException("interrupted: " + Thread.currentThread(), e);
    }

    static long check(String what, long expected, long actual) {
        if (actual != expected) {
            throw new IllegalStateException(what + " is " + actual + ", expected " + expected);
        }
        return actual;
    }
}
