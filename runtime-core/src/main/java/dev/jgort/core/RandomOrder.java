package dev.jgort.core;

import java.util.Arrays;

/**
 * Go's {@code randomOrder}: enumerates {@code 0..count-1} in a pseudo-random order by starting at a
 * random position and stepping by a random stride coprime to {@code count}, so every position is
 * visited exactly once. Immutable; an enumeration is a small object of its own.
 */
final class RandomOrder {
    private final int count;
    private final int[] coprimes;

    RandomOrder(int count) {
        if (count < 1) throw new IllegalArgumentException("count " + count);
        this.count = count;
        int[] c = new int[count];
        int n = 0;
        for (int i = 1; i <= count; i++) {
            if (gcd(i, count) == 1) c[n++] = i;
        }
        this.coprimes = Arrays.copyOf(c, n);
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** An enumeration seeded by {@code seed} (any int, e.g. a random one). */
    Enum start(int seed) {
        int i = seed & Integer.MAX_VALUE;
        return new Enum(count, i % count, coprimes[(i / count) % coprimes.length]);
    }

    /** One pass over all positions. */
    static final class Enum {
        private final int count;
        private final int inc;
        private int i;
        private int pos;

        private Enum(int count, int pos, int inc) {
            this.count = count;
            this.pos = pos;
            this.inc = inc;
        }

        boolean done() {
            return i == count;
        }

        void next() {
            i++;
            pos = (pos + inc) % count;
        }

        int position() {
            return pos;
        }

        /** The stride (for tests). */
        int inc() {
            return inc;
        }
    }
}
