package dev.jgort.core.api;

import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import static dev.jgort.core.api.GoTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Everything at once: goroutines that yield, gosched, hand off through a queue, sleep, make
 * syscalls, spawn and join children, lock their threads and contend for a monitor, while another
 * goroutine keeps changing GOMAXPROCS and a platform thread keeps calling forEachP. Every goroutine
 * must finish every step (nothing lost, nothing stranded) and the runtime must end with no goroutine.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SchedulerStressTest {

    private static final Object MONITOR = new Object();

    @Test
    void everythingAtOnceLosesNothing() throws Exception {
        final int workers = 1000, steps = 100;
        try (GoRuntime rt = start(3)) {
            LongAdder done = new LongAdder();
            LongAdder children = new LongAdder();
            long[] shared = new long[1];
            SynchronousQueue<Integer> handoff = new SynchronousQueue<>();
            Failures failures = new Failures();
            AtomicBoolean stop = new AtomicBoolean();
            // A partner for the hand-off steps: takes whatever is offered until the end.
            Goroutine taker = failures.go(rt, () -> {
                while (!stop.get()) handoff.poll(1, TimeUnit.MILLISECONDS);
            });
            Goroutine resizer = failures.go(rt, () -> {
                int i = 0;
                while (!stop.get()) {
                    rt.setMaxProcs(1 + (i++ % 4));
                    Thread.sleep(1);
                }
            });
            Thread safePoints = Thread.ofPlatform().start(() -> {
                while (!stop.get()) rt.forEachP(id -> { });
            });
            CountDownLatch all = new CountDownLatch(workers);
            List<Goroutine> gs = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                long seed = w;
                gs.add(failures.go(rt, () -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    for (int s = 0; s < steps; s++) {
                        switch (rnd.nextInt(9)) {
                            case 0 -> Thread.yield();
                            case 1 -> Go.gosched();
                            case 2 -> handoff.offer(s, 1, TimeUnit.MILLISECONDS);
                            case 3 -> Thread.sleep(rnd.nextInt(2));
                            case 4 -> Go.syscall(() -> SyscallTest.usleep(50));
                            case 5 -> {
                                Goroutine c = rt.go(children::increment);
                                c.join();
                            }
                            case 6 -> {
                                Go.lockOSThread();
                                Thread.yield();
                                Go.unlockOSThread();
                            }
                            case 7 -> {
                                synchronized (MONITOR) {
                                    shared[0]++;
                                }
                            }
                            default -> Go.checkPreempt();
                        }
                        done.increment();
                    }
                    all.countDown();
                }));
            }
            boolean finished = all.await(BOUND.toSeconds(), TimeUnit.SECONDS);
            stop.set(true);
            safePoints.join(BOUND);
            assertTrue(finished, all.getCount() + " workers did not finish\n" + rt.schedTrace(true));
            assertAllJoined(gs);
            assertJoined(taker);
            assertJoined(resizer);
            failures.check();
            assertEquals((long) workers * steps, done.sum());
            awaitNumGoroutine(rt, 0);
        }
    }
}
