package dev.jgort.core.api;

import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static dev.jgort.core.api.GoTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Go's TestPingPongHog on 1 P: a hog pair (long turns) and a light pair (short turns) each hand a turn
 * back and forth, so each wake-up lands in runnext and inherits the time slice. Sysmon must still end
 * each pair's slice after 10 ms (the hogs at Go.checkPreempt(), the light pair when it parks), so the
 * two pairs share the P: their counts stay within a factor of 5 (a broken scheduler gives ~1000×).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PingPongHogTest {

    /** Two goroutines that take turns; {@code turn} says whose it is. */
    private static final class Pair {
        final Thread[] threads = new Thread[2];
        volatile int turn;
        final AtomicLong count = new AtomicLong();
        final AtomicLong preemptions = new AtomicLong();
    }

    private static void run(Pair pair, int me, int limit, boolean hog, AtomicBoolean done) {
        while (!done.get()) {
            while (pair.turn != me && !done.get()) LockSupport.park();
            if (done.get()) break;
            for (int i = 0; i < limit; i++) {
                pair.count.incrementAndGet();
                if (hog && (i & 1023) == 0 && Go.checkPreempt()) pair.preemptions.incrementAndGet();
            }
            pair.turn = 1 - me;
            LockSupport.unpark(pair.threads[1 - me]);
        }
        LockSupport.unpark(pair.threads[1 - me]); // let the buddy see done
    }

    @Test
    void pingPongHog() throws Exception {
        // Time slices only: no P hand-off from a goroutine that keeps its P (StuckMTest covers that).
        try (GoRuntime rt = GoRuntime.start(config(1).withMaxOversubscription(0))) {
            AtomicBoolean done = new AtomicBoolean();
            Pair hog = new Pair(), light = new Pair();
            List<Goroutine> gs = new ArrayList<>();
            for (Pair pair : new Pair[] {hog, light}) {
                boolean isHog = pair == hog;
                for (int me = 0; me < 2; me++) {
                    int m = me;
                    pair.threads[m] = rt.threadFactory().newThread(() -> run(pair, m, isHog ? 1_000_000 : 1_000, isHog, done));
                }
            }
            for (Pair pair : new Pair[] {hog, light}) {
                for (Thread t : pair.threads) t.start();
            }
            // Let a few preemption rounds happen: the hog pair must have lost the P several times.
            awaitOutside(() -> hog.preemptions.get() >= 10 && light.count.get() > 0, "10 preemptions of the hog pair");
            done.set(true);
            for (Pair pair : new Pair[] {hog, light}) {
                for (Thread t : pair.threads) LockSupport.unpark(t);
            }
            for (Pair pair : new Pair[] {hog, light}) {
                for (Thread t : pair.threads) assertTrue(t.join(BOUND), t + " did not end");
            }
            long h = hog.count.get(), l = light.count.get();
            final int factor = 5;
            assertTrue(h <= l * factor && l <= h * factor,
                    "want hogCount/lightCount in [1/" + factor + ", " + factor + "]; got " + h + "/" + l + " = " + (double) h / l);
        }
    }
}
