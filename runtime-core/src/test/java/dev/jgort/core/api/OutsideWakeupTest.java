package dev.jgort.core.api;

import dev.jgort.api.GoRuntime;
import dev.jgort.chan.Chan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static dev.jgort.core.api.GoTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Goroutines readied by threads that are not the scheduler's own (the JDK's timer threads after
 * {@code Thread.sleep}, a platform thread's {@code LockSupport.unpark}, the JDK's socket pollers): they
 * must run soon even when every P is busy with goroutines that only yield, and none of those wake-ups
 * may be lost (issue 13).
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OutsideWakeupTest {

    /**
     * How long the yielders compute between yields. Long enough that the global queue's
     * every-61-schedticks check alone (61 × 5 ms ≈ 300 ms) would break the 200 ms bound.
     */
    private static final long SPIN_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long BOUND_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int ROUNDS = 1000;

    /** 2 goroutines that compute ({@code spinNanos} at a time) and yield until {@link #stop}ped. */
    private static final class Yielders {
        private volatile boolean stop;
        private final List<Thread> threads = new ArrayList<>();

        Yielders(GoRuntime rt) {
            this(rt, SPIN_NANOS);
        }

        Yielders(GoRuntime rt, long spinNanos) {
            for (int i = 0; i < 2; i++) {
                threads.add(rt.go(() -> {
                    while (!stop) {
                        long end = System.nanoTime() + spinNanos;
                        while (System.nanoTime() - end < 0) Thread.onSpinWait();
                        Thread.yield();
                    }
                }).thread());
            }
        }

        void stop() throws InterruptedException {
            stop = true;
            for (Thread t : threads) assertTrue(t.join(BOUND), "a yielder did not stop");
        }
    }

    /**
     * Beside 2 yielders, a goroutine sleeping 1 ms and another one unparked by a platform thread each
     * run within 200 ms of their wake-up, 1,000 times.
     */
    @ParameterizedTest(name = "GOMAXPROCS {0}")
    @ValueSource(ints = {1, 2})
    void timerAndPlatformThreadWakeUpsRunWithinOneRoundBesideYielders(int procs) throws Exception {
        try (GoRuntime rt = start(procs)) {
            Failures failures = new Failures();
            AtomicLong worstSleep = new AtomicLong(), worstUnpark = new AtomicLong();
            Thread sleeper, parker, unparker;
            Yielders yielders = new Yielders(rt);
            try {
                sleeper = rt.go(failures.guard(() -> {
                    for (int i = 0; i < ROUNDS; i++) {
                        long t0 = System.nanoTime();
                        Thread.sleep(1);
                        worstSleep.accumulateAndGet(System.nanoTime() - t0 - TimeUnit.MILLISECONDS.toNanos(1), Math::max);
                    }
                })).thread();
                Handoff h = new Handoff();
                parker = rt.go(failures.guard(() -> {
                    for (int i = 1; i <= ROUNDS; i++) {
                        long sent = h.await(i);
                        worstUnpark.accumulateAndGet(System.nanoTime() - sent, Math::max);
                    }
                })).thread();
                unparker = Thread.ofPlatform().name("unparker").start(() -> {
                    for (int i = 1; i <= ROUNDS; i++) h.send(i, parker);
                });
                assertTrue(sleeper.join(BOUND), "the sleeper did not finish its rounds");
                assertTrue(parker.join(BOUND), "the unparked goroutine did not finish its rounds");
                assertTrue(unparker.join(BOUND));
            } finally {
                yielders.stop();
            }
            failures.check();
            assertTrue(worstSleep.get() < BOUND_NANOS, "a Thread.sleep(1) woke " + worstSleep.get() / 1_000_000 + " ms late");
            assertTrue(worstUnpark.get() < BOUND_NANOS, "an unpark took " + worstUnpark.get() / 1_000_000 + " ms to run its goroutine");
        }
    }

    /**
     * A platform thread hands numbered turns to one goroutine: it publishes turn i and unparks, then
     * waits (spinning, yielding the CPU) until the goroutine has parked for turn i + 1. The goroutine
     * sees every turn exactly once.
     */
    private static final class Handoff {
        private volatile long turn;      // the last turn sent
        private volatile long sentAt;    // its clock
        private volatile long waitingFor = 1;

        /** Goroutine side: parks until turn {@code i} arrives; returns when it was sent. */
        long await(long i) {
            waitingFor = i;
            while (turn != i) {
                if (turn > i) throw new AssertionError("turn " + turn + " came before turn " + i + " was seen");
                LockSupport.park();
            }
            return sentAt;
        }

        /** Platform side: waits (yielding the CPU) until {@code g} is parked waiting for turn {@code i}. */
        void awaitWaiting(long i, Thread g) {
            while (waitingFor != i || g.getState() != Thread.State.WAITING) Thread.yield();
        }

        /** Platform side: waits until the goroutine waits for {@code i}, then sends it. */
        void send(long i, Thread g) {
            awaitWaiting(i, g);
            sentAt = System.nanoTime();
            turn = i;
            LockSupport.unpark(g);
        }
    }

    /**
     * A storm of wake-ups of every kind at once, on 2 Ps beside 2 yielders (50 µs between yields): goroutines sleeping random
     * short times, goroutines handed turns by platform threads, goroutine pairs playing ping-pong over
     * a channel, and goroutines started from platform threads. Every one finishes its exact count.
     */
    @Test
    void noWakeUpIsLostInAStormOfTimerPlatformThreadAndGoroutineWakeUps() throws Exception {
        final int sleepers = 8, sleeps = 200, handoffs = 4, turns = 2000, pairs = 4, volleys = 5000, starters = 2, starts = 2000;
        try (GoRuntime rt = start(2)) {
            Failures failures = new Failures();
            AtomicLong slept = new AtomicLong(), turnsSeen = new AtomicLong(), volleysSeen = new AtomicLong(), started = new AtomicLong();
            List<Thread> all = new ArrayList<>();
            Yielders yielders = new Yielders(rt, TimeUnit.MICROSECONDS.toNanos(50));
            try {
                for (int i = 0; i < sleepers; i++) {
                    all.add(rt.go(failures.guard(() -> {
                        for (int k = 0; k < sleeps; k++) {
                            Thread.sleep(java.time.Duration.ofNanos(ThreadLocalRandom.current().nextInt(2_000_000)));
                            slept.incrementAndGet();
                        }
                    })).thread());
                }
                for (int i = 0; i < handoffs; i++) {
                    Handoff h = new Handoff();
                    Thread g = rt.go(failures.guard(() -> {
                        for (int k = 1; k <= turns; k++) {
                            h.await(k);
                            turnsSeen.incrementAndGet();
                        }
                    })).thread();
                    all.add(g);
                    all.add(Thread.ofPlatform().start(() -> {
                        for (int k = 1; k <= turns; k++) h.send(k, g);
                    }));
                }
                for (int i = 0; i < pairs; i++) {
                    Chan<Integer> ping = Chan.make(), pong = Chan.make();
                    all.add(rt.go(failures.guard(() -> {
                        for (int k = 0; k < volleys; k++) {
                            ping.send(k);
                            assertEquals(k, pong.recv());
                        }
                    })).thread());
                    all.add(rt.go(failures.guard(() -> {
                        for (int k = 0; k < volleys; k++) {
                            pong.send(ping.recv());
                            volleysSeen.incrementAndGet();
                        }
                    })).thread());
                }
                List<Thread> children = java.util.Collections.synchronizedList(new ArrayList<>());
                List<Thread> starterThreads = new ArrayList<>();
                for (int i = 0; i < starters; i++) {
                    starterThreads.add(Thread.ofPlatform().start(() -> {
                        for (int k = 0; k < starts; k++) children.add(rt.go(started::incrementAndGet).thread());
                    }));
                }
                for (Thread t : starterThreads) assertTrue(t.join(BOUND), "a platform thread could not start its goroutines");
                all.addAll(children);
                for (Thread t : all) assertTrue(t.join(BOUND), t + " did not finish: a wake-up was lost");
            } finally {
                yielders.stop();
            }
            failures.check();
            assertEquals((long) sleepers * sleeps, slept.get());
            assertEquals((long) handoffs * turns, turnsSeen.get());
            assertEquals((long) pairs * volleys, volleysSeen.get());
            assertEquals((long) starters * starts, started.get());
        }
    }

    /**
     * A socket read in a goroutine, woken by the JDK's poller, beside 2 yielders on 1 P: 200 one-byte
     * messages each arrive within 200 ms (the poller is a thread outside the scheduler too).
     */
    @Test
    void socketReadsWakeBesideYielders() throws Exception {
        try (GoRuntime rt = start(1);
             ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            Failures failures = new Failures();
            AtomicLong worst = new AtomicLong();
            final int messages = 200;
            Handoff h = new Handoff();
            InputStream in = accepted.getInputStream();
            OutputStream out = client.getOutputStream();
            Yielders yielders = new Yielders(rt);
            try {
                Thread reader = rt.go(failures.guard(() -> {
                    for (int i = 1; i <= messages; i++) {
                        h.waitingFor = i;
                        int b = in.read();
                        assertEquals(i & 0xff, b);
                        worst.accumulateAndGet(System.nanoTime() - h.sentAt, Math::max);
                    }
                })).thread();
                for (int i = 1; i <= messages; i++) {
                    h.awaitWaiting(i, reader); // blocked in read, on the JDK's poller
                    h.sentAt = System.nanoTime();
                    out.write(i);
                    out.flush();
                }
                assertTrue(reader.join(BOUND), "the reader did not get every message");
            } finally {
                yielders.stop();
            }
            failures.check();
            assertTrue(worst.get() < BOUND_NANOS, "a socket read took " + worst.get() / 1_000_000 + " ms to return");
        }
    }

    /**
     * Closing a runtime never strands socket I/O elsewhere: a plain virtual thread and a goroutine of
     * another runtime keep reading and writing their sockets after this runtime, whose goroutine had a
     * socket open too, closed.
     */
    @Test
    void closingARuntimeLeavesSocketIoOfPlainVirtualThreadsAndOtherRuntimesWorking() throws Exception {
        ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        try (GoRuntime other = start(1)) {
            Thread echo = Thread.ofPlatform().name("echo").start(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        Thread.ofPlatform().start(() -> {
                            try (s) {
                                s.getInputStream().transferTo(s.getOutputStream());
                            } catch (IOException ignored) {
                                // the client closed
                            }
                        });
                    }
                } catch (IOException closed) {
                    // the test ended
                }
            });
            EchoClient plain = new EchoClient(server.getLocalPort()), ofOther = new EchoClient(server.getLocalPort()),
                    ofClosed = new EchoClient(server.getLocalPort());
            // The closing runtime's goroutine does its socket I/O first: were the JDK's pollers started
            // by it (in a JVM whose first socket I/O this is), they would run on the closing runtime.
            GoRuntime closing = start(2);
            Thread closedThread = closing.go(ofClosed).thread();
            ofClosed.awaitRounds(10);
            Thread plainThread = Thread.ofVirtual().start(plain);
            Thread otherThread = other.go(ofOther).thread();
            for (EchoClient c : List.of(plain, ofOther)) c.awaitRounds(10);
            ofClosed.stop = true;
            assertTrue(closedThread.join(BOUND));
            closing.close();
            long p = plain.rounds.get(), o = ofOther.rounds.get();
            plain.awaitRounds(p + 100);
            ofOther.awaitRounds(o + 100);
            plain.stop = true;
            ofOther.stop = true;
            assertTrue(plainThread.join(BOUND));
            assertTrue(otherThread.join(BOUND));
            for (EchoClient c : List.of(plain, ofOther, ofClosed)) assertNull(c.failure, () -> "an echo client failed: " + c.failure);
            server.close(); // ends the echo thread's accept loop
            assertTrue(echo.join(BOUND));
        } finally {
            server.close();
        }
    }

    /** Sends a byte and reads its echo, round after round, until stopped. */
    private static final class EchoClient implements Runnable {
        final int port;
        final AtomicLong rounds = new AtomicLong();
        volatile boolean stop;
        volatile Throwable failure;

        EchoClient(int port) {
            this.port = port;
        }

        @Override
        public void run() {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setTcpNoDelay(true);
                for (int i = 0; !stop; i++) {
                    s.getOutputStream().write(i);
                    if (s.getInputStream().read() != (i & 0xff)) throw new AssertionError("wrong echo");
                    rounds.incrementAndGet();
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        void awaitRounds(long n) {
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (rounds.get() < n) {
                if (failure != null) fail("an echo client failed", failure);
                if (System.nanoTime() - deadline > 0) fail("an echo client made " + rounds.get() + " of " + n + " rounds");
                Thread.yield();
            }
        }
    }
}
