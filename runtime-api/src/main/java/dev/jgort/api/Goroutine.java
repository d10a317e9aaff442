package dev.jgort.api;

import java.time.Duration;

/**
 * A goroutine: a virtual thread whose scheduler is a jgort runtime.
 *
 * <p>Handles are cheap and may be kept after the goroutine has ended.
 */
public interface Goroutine {

    /** Go's goid: unique and increasing within one runtime, starting at 1. */
    long id();

    /** The goroutine's name ({@code "goroutine-<id>"} unless one was given). */
    String name();

    /** The virtual thread that is this goroutine. */
    Thread thread();

    /** A snapshot of the goroutine's state. */
    GState state();

    /** Waits until the goroutine has ended. */
    void join() throws InterruptedException;

    /**
     * Waits at most {@code timeout} for the goroutine to end.
     *
     * @return whether it has ended
     */
    boolean join(Duration timeout) throws InterruptedException;
}
