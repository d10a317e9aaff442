package dev.jgort.chan;

/** A {@link Timer} or {@link Ticker}: the only sender on its channel, which it marks as its own. */
interface TimerSource {
    /** Whether it will still send (a timer not yet fired nor stopped; a ticker not stopped). Racy read. */
    boolean armed();
}
