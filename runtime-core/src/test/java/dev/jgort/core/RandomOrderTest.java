package dev.jgort.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Go's TestStealOrder (RunStealOrderTest). */
class RandomOrderTest {

    @Test
    void everyEnumerationVisitsEachPositionOnce() {
        for (int procs = 1; procs <= 64; procs++) {
            RandomOrder ord = new RandomOrder(procs);
            for (int seed = 0; seed < procs * 4; seed++) {
                RandomOrder.Enum e = ord.start(seed);
                boolean[] checked = new boolean[procs];
                for (int p = 0; p < procs; p++) {
                    int x = e.position();
                    assertFalse(checked[x], "duplicate during enumeration: procs=" + procs + " inc=" + e.inc());
                    checked[x] = true;
                    e.next();
                }
                assertTrue(e.done(), "not done");
            }
        }
    }

    /** Different seeds do not repeat a (start, stride) pair before all of them were used. */
    @Test
    void seedsSpreadOverAllStartsAndStrides() {
        for (int procs = 2; procs <= 64; procs++) {
            RandomOrder ord = new RandomOrder(procs);
            int coprimes = 0;
            for (int i = 1; i <= procs; i++) if (java.math.BigInteger.valueOf(i).gcd(java.math.BigInteger.valueOf(procs)).intValue() == 1) coprimes++;
            if (procs >= 3) assertTrue(coprimes >= 2, "too few coprimes");
            boolean[] checked = new boolean[procs * (procs + 1)];
            for (int i = 0; i < procs * coprimes; i++) {
                RandomOrder.Enum e = ord.start(i);
                int j = e.position() * (procs + 1) + e.inc();
                assertFalse(checked[j], "duplicate pos+inc during enumeration: procs=" + procs + " i=" + i);
                checked[j] = true;
            }
        }
    }

    @Test
    void negativeSeedsAreFine() {
        RandomOrder.Enum e = new RandomOrder(7).start(Integer.MIN_VALUE + 3);
        int n = 0;
        for (; !e.done(); e.next()) {
            assertTrue(e.position() >= 0 && e.position() < 7);
            n++;
        }
        assertEquals(7, n);
    }
}
