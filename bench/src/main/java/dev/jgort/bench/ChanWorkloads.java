package dev.jgort.bench;

import dev.jgort.chan.Chan;
import dev.jgort.chan.Select;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The channel workloads, written once against {@link BenchChan} (and, for select, once per library,
 * since the JDK's queues have no select). Like {@link Workloads}, each runs in a root goroutine,
 * checks its own result and throws {@link IllegalStateException} if it is wrong.
 */
final class ChanWorkloads {
    private ChanWorkloads() {}

    static final int PING_PONG_ROUNDS = 100_000;
    static final int SYNC_EXCHANGES = 100_000;
    /** Producers and consumers each: GOMAXPROCS, as in Go's benchmarkChanProdCons. */
    static final int PROD_CONS_PAIRS = BenchBase.CARRIERS;
    static final int PROD_CONS_ITEMS = 200_000;
    static final int SELECT_ITEMS = 100_000;

    private static final Integer ONE = 1, STOP = 0;

    /** A goroutine body that may be interrupted (which fails the workload). */
    @FunctionalInterface
    interface Task {
        void run() throws InterruptedException;
    }

    static Runnable task(Task t) {
        return () -> {
            try {
                t.run();
            } catch (InterruptedException e) {
                throw Workloads.interrupted(e);
            }
        };
    }

    /**
     * Unbuffered ping-pong: the root sends a ball on one channel and receives it back on another,
     * 100,000 times; the partner goroutine returns each ball. Go: the pair of
     * {@code BenchmarkPingPongHog} (proc_test.go) without the hog.
     */
    static long pingPong(Spawner spawner, BenchChan.Maker maker) throws InterruptedException {
        return Workloads.inRoot(spawner, () -> {
            BenchChan<Integer> ping = maker.make(0), pong = maker.make(0);
            Thread partner = spawner.start(task(() -> {
                for (int i = 0; i < PING_PONG_ROUNDS; i++) pong.send(ping.recv());
            }));
            long sum = 0;
            for (int i = 0; i < PING_PONG_ROUNDS; i++) {
                ping.send(ONE);
                sum += pong.recv();
            }
            partner.join();
            return Workloads.check("balls returned", PING_PONG_ROUNDS, sum);
        });
    }

    /**
     * Go's {@code BenchmarkChanSync} (chan_test.go): two goroutines exchange values on one unbuffered
     * channel, one receiving then sending, the other sending then receiving.
     */
    static long chanSync(Spawner spawner, BenchChan.Maker maker) throws InterruptedException {
        return Workloads.inRoot(spawner, () -> {
            BenchChan<Integer> c = maker.make(0);
            AtomicLong received = new AtomicLong();
            int rounds = SYNC_EXCHANGES / 2;
            Thread a = spawner.start(task(() -> {
                for (int i = 0; i < rounds; i++) {
                    received.addAndGet(c.recv());
                    c.send(ONE);
                }
            }));
            Thread b = spawner.start(task(() -> {
                for (int i = 0; i < rounds; i++) {
                    c.send(ONE);
                    received.addAndGet(c.recv());
                }
            }));
            a.join();
            b.join();
            return Workloads.check("values exchanged", SYNC_EXCHANGES, received.get());
        });
    }

    /**
     * Go's {@code benchmarkChanProdCons(chanSize, localWork=0)} (chan_test.go): GOMAXPROCS producers
     * and as many consumers share one channel of the given capacity; each producer sends its share of
     * 200,000 values and then a stop value.
     */
    static long prodCons(Spawner spawner, BenchChan.Maker maker, int capacity) throws InterruptedException {
        return Workloads.inRoot(spawner, () -> {
            BenchChan<Integer> c = maker.make(capacity);
            AtomicLong consumed = new AtomicLong();
            int each = PROD_CONS_ITEMS / PROD_CONS_PAIRS;
            Thread[] threads = new Thread[2 * PROD_CONS_PAIRS];
            for (int p = 0; p < PROD_CONS_PAIRS; p++) {
                threads[2 * p] = spawner.start(task(() -> {
                    for (int i = 0; i < each; i++) c.send(ONE);
                    c.send(STOP);
                }));
                threads[2 * p + 1] = spawner.start(task(() -> {
                    long n = 0;
                    while (c.recv() != STOP) n++;
                    consumed.addAndGet(n);
                }));
            }
            for (Thread t : threads) t.join();
            return Workloads.check("values consumed", (long) each * PROD_CONS_PAIRS, consumed.get());
        });
    }

    /**
     * Skynet as written for Go (github.com/atemerev/skynet): 1,111,111 goroutines, each inner node
     * starts 10 children that send their sums on the node's own unbuffered channel.
     */
    static long skynet(Spawner spawner, BenchChan.Maker maker) throws InterruptedException {
        return Workloads.inRoot(spawner, () -> {
            BenchChan<Long> c = maker.make(0);
            spawner.start(skynetNode(spawner, maker, c, 0, Workloads.SKYNET_LEAVES));
            return Workloads.check("skynet sum over channels", Workloads.SKYNET_SUM, c.recv());
        });
    }

    private static Runnable skynetNode(Spawner spawner, BenchChan.Maker maker, BenchChan<Long> c, long num, int size) {
        return task(() -> {
            if (size == 1) {
                c.send(num);
                return;
            }
            BenchChan<Long> rc = maker.make(0);
            int step = size / 10;
            for (int i = 0; i < 10; i++) spawner.start(skynetNode(spawner, maker, rc, num + (long) i * step, step));
            long sum = 0;
            for (int i = 0; i < 10; i++) sum += rc.recv();
            c.send(sum);
        });
    }

    /**
     * Select over {@code k} receive cases: {@code k} producers each send their share of 100,000
     * values on their own unbuffered channel; one consumer receives them all through selects built
     * per call, as Go's select statement is. jgort's {@link Select}.
     */
    static long selectJgort(Spawner spawner, int k) throws InterruptedException {
        return Workloads.inRoot(spawner, () -> {
            @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array
            Chan<Integer>[] cs = new Chan[k];
            for (int j = 0; j < k; j++) cs[j] = Chan.make();
            Thread[] producers = startProducers(spawner, k, j -> cs[j].send(ONE));
            long[] sum = new long[1];
            for (int i = 0; i < SELECT_ITEMS; i++) {
                Select s = new Select();
                for (Chan<Integer> c : cs) s.recv(c, v -> sum[0] += v);
                s.select();
            }
            for (Thread t : producers) t.join();
            return Workloads.check("values selected", SELECT_ITEMS, sum[0]);
        });
    }

    /** {@link #selectJgort} on jox's channels and {@code Select.select}. */
    static long selectJox(Spawner spawner, int k) throws InterruptedException {
        return Workloads.inRoot(spawner, () -> {
            @SuppressWarnings({"unchecked", "rawtypes"})
            com.softwaremill.jox.Channel<Integer>[] cs = new com.softwaremill.jox.Channel[k];
            for (int j = 0; j < k; j++) cs[j] = com.softwaremill.jox.Channel.newRendezvousChannel();
            Thread[] producers = startProducers(spawner, k, j -> cs[j].send(ONE));
            long sum = 0;
            for (int i = 0; i < SELECT_ITEMS; i++) {
                @SuppressWarnings({"unchecked", "rawtypes"})
                com.softwaremill.jox.SelectClause<Integer>[] clauses = new com.softwaremill.jox.SelectClause[k];
                for (int j = 0; j < k; j++) clauses[j] = cs[j].receiveClause();
                sum += com.softwaremill.jox.Select.select(clauses);
            }
            for (Thread t : producers) t.join();
            return Workloads.check("values selected", SELECT_ITEMS, sum);
        });
    }

    @FunctionalInterface
    private interface Send {
        void to(int producer) throws InterruptedException;
    }

    private static Thread[] startProducers(Spawner spawner, int k, Send send) {
        Thread[] producers = new Thread[k];
        for (int j = 0; j < k; j++) {
            int p = j;
            producers[j] = spawner.start(task(() -> {
                for (int i = 0; i < SELECT_ITEMS / k; i++) send.to(p);
            }));
        }
        return producers;
    }
}
