package dev.jgort.chan;

/**
 * Thrown by a channel's iterator when its thread is interrupted while waiting for the next value
 * ({@link java.util.Iterator} cannot throw {@link InterruptedException}). The thread's interrupt
 * status is set again; nothing was received.
 */
public class ChanInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ChanInterruptedException(InterruptedException cause) {
        super("interrupted while waiting on a channel", cause);
    }
}
