package dev.jgort.spi;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many timers are armed in this JVM (jgort's {@code Timer}s and {@code Ticker}s). Go's
 * {@code checkdead} reports no deadlock while a timer is pending, since its firing will wake a
 * goroutine; jgort's deadlock check reads this count for the same reason.
 */
public final class PendingTimers {
    private PendingTimers() {}

    private static final AtomicLong ARMED = new AtomicLong();

    /** A timer was armed. */
    public static void armed() {
        ARMED.incrementAndGet();
    }

    /** An armed timer fired for the last time or was stopped. */
    public static void disarmed() {
        ARMED.decrementAndGet();
    }

    /** The number of armed timers. */
    public static long count() {
        return ARMED.get();
    }
}
