package dev.jgort.spi;

/**
 * A park blocker that names why its thread waits, as Go's {@code waitReason} does ("chan receive",
 * "select", ...). Code that parks a goroutine with {@code LockSupport.park(blocker)} where the blocker
 * implements this interface gets that reason printed in the runtime's deadlock report and in
 * {@code scheddetail}; other blockers are reported by the JDK thread state ("park", "sleep").
 */
public interface WaitReason {
    /** Go's wait-reason string, e.g. {@code "chan receive"}. */
    String waitReason();

    /**
     * Whether an armed timer will end this wait (a receive or select on a timer's channel). Go's
     * {@code checkdead} reports no deadlock while a timer is pending; jgort's deadlock check does not
     * count a goroutine whose wait says so as asleep for good.
     */
    default boolean timerPending() {
        return false;
    }
}
