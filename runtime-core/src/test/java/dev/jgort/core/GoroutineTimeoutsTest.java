package dev.jgort.core;

import dev.jgort.api.GoRuntime;
import dev.jgort.api.RuntimeConfig;
import dev.jgort.chan.Chan;
import dev.jgort.chan.Select;
import dev.jgort.chan.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static dev.jgort.core.api.GoTestSupport.BOUND;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Goroutine timeouts ({@code Thread.sleep}, {@code parkNanos}, timed waits) live on the Ps, as Go's
 * timers do ({@link Timers}, {@link TimerRouter}): they fire from the scheduling loop, never early,
 * survive GOMAXPROCS changes, and cancelled ones do not pile up.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GoroutineTimeoutsTest {

    private static Sched sched(GoRuntime rt) {
        return ((JgortRuntime) rt).sched;
    }

    private static int timersOnPs(Sched s) {
        int n = 0;
        for (P p : s.allp) n += p.timers.size();
        return n;
    }

    /** 200 sleeps of 1 ms: each one lasts at least 1 ms, and each fires on the runtime's own Ps. */
    @ParameterizedTest(name = "GOMAXPROCS {0}")
    @ValueSource(ints = {1, 2})
    void sleepsFireOnTheRuntimesPsAndNeverEarly(int procs) throws Exception {
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(procs))) {
            AtomicLong shortest = new AtomicLong(Long.MAX_VALUE);
            Thread t = rt.go(() -> {
                for (int i = 0; i < 200; i++) {
                    long t0 = System.nanoTime();
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    shortest.accumulateAndGet(System.nanoTime() - t0, Math::min);
                }
            }).thread();
            assertTrue(t.join(BOUND), "the sleeper did not finish");
            assertTrue(shortest.get() >= TimeUnit.MILLISECONDS.toNanos(1), "a 1 ms sleep lasted " + shortest.get() + " ns");
            long fired = (Long) rt.metrics().get("/jgort/sched/timers-fired:events");
            assertTrue(fired >= 200, "only " + fired + " of 200 sleeps fired on the Ps");
        }
    }

    /**
     * A sleep that comes due while the M of its P runs a goroutine that never yields: it fires anyway,
     * from the other P (the idle M that wakes for it fires the busy P's due timers, as stealWork's
     * last pass does), not once that goroutine gives the P up, which here it does only after the
     * sleeper woke.
     */
    @Test
    void aSleepDueBehindAGoroutineThatNeverYieldsStillWakes() throws Exception {
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(2))) {
            AtomicBoolean woke = new AtomicBoolean();
            AtomicBoolean hogSawIt = new AtomicBoolean();
            Thread sleeper = rt.go(() -> {
                // Goes to this P's runnext, so it runs on this P once the sleeper parks.
                Thread hog = rt.go(() -> {
                    long deadline = System.nanoTime() + BOUND.toNanos();
                    while (!woke.get() && System.nanoTime() - deadline < 0) Thread.onSpinWait();
                    hogSawIt.set(woke.get());
                }).thread();
                try {
                    Thread.sleep(5);
                    woke.set(true);
                    hog.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }).thread();
            assertTrue(sleeper.join(BOUND.multipliedBy(2)), "the sleeper did not finish");
            assertTrue(hogSawIt.get(), "the sleep fired only after the goroutine holding its P gave the P up");
        }
    }

    /**
     * Timed parks that are unparked before their timeout (a poll with an hour's timeout, answered at
     * once), 20,000 of them behind one live timer that is due first: their cancelled timers must not
     * stay in the heap (Go's clearDeletedTimers).
     */
    @Test
    void cancelledTimeoutsDoNotPileUpBehindALiveTimer() throws Exception {
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(1))) {
            Thread longSleeper = rt.go(() -> {
                try {
                    Thread.sleep(TimeUnit.MINUTES.toMillis(10));
                } catch (InterruptedException expected) {
                    // the end of the test
                }
            }).thread();
            try {
                handOffBehind(rt);
            } finally {
                longSleeper.interrupt(); // else close() would wait 10 minutes for it after a failure
            }
            assertTrue(longSleeper.join(BOUND));
        }
    }

    /** 20,000 hand-offs over a SynchronousQueue whose taker polls with an hour's timeout. */
    private static void handOffBehind(GoRuntime rt) throws InterruptedException {
        SynchronousQueue<Integer> q = new SynchronousQueue<>();
        AtomicInteger received = new AtomicInteger();
        Thread consumer = rt.go(() -> {
            try {
                for (int i = 0; i < 20_000; i++) {
                    if (q.poll(1, TimeUnit.HOURS) != null) received.incrementAndGet();
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }).thread();
        Thread producer = rt.go(() -> {
            try {
                for (int i = 0; i < 20_000; i++) q.put(i);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }).thread();
        assertTrue(producer.join(BOUND) && consumer.join(BOUND), "the hand-offs did not finish");
        assertEquals(20_000, received.get());
        int left = timersOnPs(sched(rt));
        assertTrue(left <= 64, left + " timers are still queued for 1 live sleeper");
    }

    /**
     * 200 goroutines each sleep 25 times for 0–2 ms while GOMAXPROCS keeps changing (Ps die and are
     * made, their timers move): every sleep ends, none is lost.
     */
    @Test
    void noTimeoutIsLostWhileGomaxprocsChanges() throws Exception {
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(2))) {
            AtomicInteger done = new AtomicInteger();
            List<Thread> sleepers = new ArrayList<>();
            for (int g = 0; g < 200; g++) {
                sleepers.add(rt.go(() -> {
                    try {
                        for (int i = 0; i < 25; i++) {
                            Thread.sleep(Duration.ofNanos(ThreadLocalRandom.current().nextInt(2_000_000)));
                            done.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }).thread());
            }
            int[] sizes = {1, 3, 2, 4};
            for (int i = 0; done.get() < 200 * 25 && i < 100_000; i++) {
                rt.setMaxProcs(sizes[i % sizes.length]);
            }
            for (Thread t : sleepers) assertTrue(t.join(BOUND), "a sleeper never woke: " + t);
            assertEquals(200 * 25, done.get());
        }
    }

    /**
     * GOMAXPROCS 4 → 1 while 64 goroutines sleep: the timers of the three Ps that die move to the one
     * that stays (Go's moveTimers), and every sleeper wakes.
     */
    @Test
    void aDyingPsTimersMoveToTheSurvivor() throws Exception {
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(4))) {
            Sched s = sched(rt);
            List<Thread> sleepers = new ArrayList<>();
            for (int g = 0; g < 64; g++) {
                sleepers.add(rt.go(() -> {
                    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2);
                    while (System.nanoTime() - end < 0) Thread.onSpinWait(); // so that idle Ps steal some
                    try {
                        Thread.sleep(3000);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }).thread());
            }
            try {
                long deadline = System.nanoTime() + BOUND.toNanos();
                while (!sleepers.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING)) {
                    assertTrue(System.nanoTime() - deadline < 0, "the sleepers did not all park");
                    Thread.onSpinWait();
                }
                // (A sleeper whose P sysmon took while it spun has its timer on the JDK's executor.)
                int onPs = timersOnPs(s), onDying = onPs - s.allp[0].timers.size();
                assumeTrue(onDying > 0, "no timer landed on a P that dies: nothing to move in this run");
                rt.setMaxProcs(1);
                assertEquals(onPs, s.allp[0].timers.size(), "timers were lost when their Ps died");
                for (Thread t : sleepers) assertTrue(t.join(BOUND), "a sleeper whose P died never woke: " + t);
            } finally {
                for (Thread t : sleepers) t.interrupt(); // a lost timer must not keep close() waiting
            }
        }
    }

    /**
     * Channel timers ({@code Timer.after}) armed in a goroutine go on its P too, as Go's do: 100 of
     * them each fire there; and 20,000 selects that a partner's send wins before their hour-long timer
     * cancel that timer, which does not stay in the heaps.
     */
    @Test
    void channelTimersArmedInAGoroutineFireOnThePs() throws Exception {
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(2))) {
            Thread t = rt.go(() -> {
                try {
                    for (int i = 0; i < 100; i++) Timer.after(Duration.ofMillis(1)).recv();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }).thread();
            assertTrue(t.join(BOUND), "the timer receiver did not finish");
            long fired = (Long) rt.metrics().get("/jgort/sched/timers-fired:events");
            assertTrue(fired >= 100, "only " + fired + " of 100 channel timers fired on the Ps");

            Chan<Integer> c = Chan.make();
            AtomicInteger received = new AtomicInteger();
            Thread receiver = rt.go(() -> {
                try {
                    for (int i = 0; i < 20_000; i++) {
                        new Select().recv(c, v -> received.incrementAndGet())
                                .recv(Timer.after(Duration.ofHours(1)), v -> fail("an hour passed")).select();
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }).thread();
            Thread sender = rt.go(() -> {
                try {
                    for (int i = 0; i < 20_000; i++) c.send(i);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }).thread();
            assertTrue(sender.join(BOUND) && receiver.join(BOUND), "the selects did not finish");
            assertEquals(20_000, received.get());
            int left = timersOnPs(sched(rt));
            assertTrue(left <= 64, left + " channel timers are still queued after their selects ended");
        }
    }

    /**
     * GOMAXPROCS 1: two goroutines take a timer's values and re-arm it at once (0–20 µs); one of them
     * selects over the timer's channel and a second channel whose lock a platform thread keeps taking,
     * so now and then it parks on that second lock while it holds the timer channel's (a select locks
     * all its channels, in order). The timer, on the only P, comes due meanwhile: the M firing it must
     * not wait for the channel's lock, since the goroutine holding it needs that M's P to run again
     * (before the fix this hung within seconds: the M blocked in {@code Timer.fire}, on the channel's
     * lock). The values keep coming until 50,000 have arrived.
     */
    @Test
    void aChannelTimerDueWhileAParkedGoroutineHoldsItsChannelLockDoesNotStallItsP() throws Exception {
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(1))) {
            Timer t = Timer.start(Duration.ofNanos(1)); // its channel is made first: it comes first in a select's lock order
            Chan<Integer> other = Chan.make();
            AtomicBoolean stop = new AtomicBoolean();
            Thread locker = Thread.ofPlatform().start(() -> {
                while (!stop.get()) other.tryRecv();
            });
            AtomicInteger received = new AtomicInteger();
            int target = 50_000;
            try {
                Thread waiter = rt.go(() -> {
                    try {
                        while (received.get() < target) {
                            new Select().recv(t.c(), v -> rearm(t, received))
                                    .recv(Timer.after(Duration.ofMillis(10)), v -> { }).select();
                        }
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }).thread();
                Thread selector = rt.go(() -> {
                    try {
                        while (received.get() < target) {
                            new Select().recv(t.c(), v -> rearm(t, received)).recv(other, v -> { })
                                    .recv(Timer.after(Duration.ofMillis(10)), v -> { }).select();
                        }
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }).thread();
                assertTrue(waiter.join(BOUND) && selector.join(BOUND), "the timer's values stopped after " + received.get());
            } finally {
                stop.set(true);
                locker.join();
            }
        }
    }

    private static void rearm(Timer t, AtomicInteger received) {
        received.incrementAndGet();
        t.reset(Duration.ofNanos(ThreadLocalRandom.current().nextInt(20_000)));
    }

    /** {@code -Djgort.timers=jdk}: timeouts stay on the JDK's unparker thread, and still work. */
    @Test
    void withJdkTimersNothingFiresOnThePs() throws Exception {
        System.setProperty("jgort.timers", "jdk");
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(2))) {
            System.clearProperty("jgort.timers");
            Thread t = rt.go(() -> {
                try {
                    for (int i = 0; i < 20; i++) Thread.sleep(1);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }).thread();
            assertTrue(t.join(BOUND));
            assertEquals(0L, rt.metrics().get("/jgort/sched/timers-fired:events"));
        } finally {
            System.clearProperty("jgort.timers");
        }
    }

    /** A bad setting is refused with the values that work. */
    @Test
    void aBadTimersSettingIsRefused() {
        System.setProperty("jgort.timers", "kernel");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(1)).close());
            assertTrue(e.getMessage().contains("-Djgort.timers=kernel") && e.getMessage().contains("jdk"), e.getMessage());
        } finally {
            System.clearProperty("jgort.timers");
        }
    }
}
