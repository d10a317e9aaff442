package dev.jgort.chan;

/**
 * A {@link Timer} or {@link Ticker}: the only sender on its channel, which it marks as its own. The
 * channel calls the hooks without holding its own lock (a timer sends under its lock, which comes
 * first).
 */
interface TimerSource {
    /** Whether it will still send (a timer not yet fired nor stopped; a ticker not stopped). Racy read. */
    boolean armed();

    /** Go's {@code maybeRunChan}: before a receive or select looks at the channel, a due value is sent now. */
    default void maybeRunChan() {}

    /** Go's {@code blockTimerChan}: a receiver has been queued on the channel and is about to wait. */
    default void blockTimerChan() {}

    /** Go's {@code unblockTimerChan}: a receiver that {@link #blockTimerChan} counted waits no more. */
    default void unblockTimerChan() {}
}
