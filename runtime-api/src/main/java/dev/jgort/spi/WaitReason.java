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
}
