package dev.jgort.core;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static dev.jgort.core.ModelCheck.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Note} under Lincheck's model checker, which simulates park and unpark. It lets a parked thread
 * wake spuriously when nothing else can run, though (Lincheck 3.7's model checking strategy always
 * does), so a lost wakeup does not show there as a hang: the model checks cover the key's protocol
 * (one wakeup wins, a re-armed note sleeps again, a timed sleep reports the wakeup), and
 * {@link #aWakeupIsNeverLostUnderStress} the unpark, on real threads. Tried: with the unpark left out,
 * every model check here passes and the stress test hangs its first round and fails. (The note's one
 * state word leaves no order of reads to get wrong: the former key-and-waiter pair lost a wakeup when
 * the waker read the waiter before setting the key, and neither kind of test caught that.)
 */
class NoteModelTest {
    private static final int INVOCATIONS = 1_000;

    @Test
    void aWakeupIsNeverLost() {
        check(INVOCATIONS, () -> {
            Note n = new Note();
            inParallel(n::sleep, n::wakeup);
            assertTrue(n.isFired());
        });
    }

    @Test
    void aTimedSleepSeesTheWakeup() {
        check(INVOCATIONS, () -> {
            Note n = new Note();
            boolean[] fired = new boolean[1];
            inParallel(() -> fired[0] = n.sleep(TimeUnit.HOURS.toNanos(1)), n::wakeup);
            assertTrue(fired[0], "woken, not timed out");
        });
    }

    @Test
    void ofTwoWakeupsExactlyOneFails() {
        check(INVOCATIONS, () -> {
            Note n = new Note();
            int[] failed = new int[2];
            Runnable wake0 = () -> {
                try {
                    n.wakeup();
                } catch (IllegalStateException e) {
                    failed[0]++;
                }
            };
            Runnable wake1 = () -> {
                try {
                    n.wakeup();
                } catch (IllegalStateException e) {
                    failed[1]++;
                }
            };
            inParallel(n::sleep, wake0, wake1);
            assertEquals(1, failed[0] + failed[1], "a double wakeup is reported once");
        });
    }

    @Test
    void aReArmedNoteSleepsAgainUntilTheNextWakeup() {
        // An M's park note: sleep, clear, hand off, sleep again; its waker wakes it twice, the second
        // time after the hand-off (so after the clear).
        check(INVOCATIONS, () -> {
            Note n1 = new Note(), n2 = new Note();
            inParallel(
                    () -> {
                        n1.sleep();
                        n1.clear();
                        n2.wakeup();
                        n1.sleep();
                    },
                    () -> {
                        n1.wakeup();
                        n2.sleep();
                        n1.wakeup();
                    });
            assertTrue(n1.isFired() && n2.isFired());
        });
    }

    /** A lost wakeup leaves the sleeper parked: the round does not finish and the test fails. */
    @Test
    void aWakeupIsNeverLostUnderStress() throws InterruptedException {
        int rounds = Stress.run(2, 20_000, 2_000, 10_000, () -> {
            Note n = new Note();
            return new Stress.Round() {
                @Override
                public Runnable[] bodies() {
                    return new Runnable[] {n::sleep, n::wakeup};
                }

                @Override
                public void check() {
                    assertTrue(n.isFired());
                }
            };
        });
        assertTrue(rounds > 0);
    }
}
