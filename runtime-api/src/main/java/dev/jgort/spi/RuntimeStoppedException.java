package dev.jgort.spi;

import java.util.concurrent.RejectedExecutionException;

/**
 * {@link ExtraMs#callback} refused a callback because its runtime has stopped. A distinct type, so
 * that a callback of the user's own that throws {@link RejectedExecutionException} (say, a
 * {@code go()} after {@code close()}) is not mistaken for it.
 */
public class RuntimeStoppedException extends RejectedExecutionException {
    private static final long serialVersionUID = 1L;

    public RuntimeStoppedException(String message) {
        super(message);
    }
}
