package dev.jgort.spi;

/** The OS refused a new thread: Go's {@code runtime: failed to create new OS thread}. */
public class ThreadStartException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int errno;

    /** @param errno the OS error number, 0 if unknown */
    public ThreadStartException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    public int errno() { return errno; }
}
