package dev.jgort.api;

/**
 * Thrown by {@link GoRuntime#close()} when every remaining goroutine is parked with nothing that can
 * wake it: Go's {@code fatal error: all goroutines are asleep - deadlock!}.
 *
 * <p>Unlike Go, jgort does not kill the process. {@code close()} throws it after capturing the report,
 * interrupting the stuck goroutines and stopping the runtime's threads (see {@link GoRuntime#close()}).
 * With continuous detection ({@link RuntimeConfig#withDeadlockDetection}) it is handed to a handler
 * instead, and the goroutines stay as they are.
 */
public class DeadlockException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** The message prefix, as Go prints it. */
    public static final String PREFIX = "all goroutines are asleep - deadlock!";

    private final int goroutines;

    /**
     * @param goroutines how many goroutines are stuck
     * @param report     one block per goroutine: its header line and stack trace
     */
    public DeadlockException(int goroutines, String report) {
        super(PREFIX + "\n\n" + report);
        this.goroutines = goroutines;
    }

    /** How many goroutines were asleep when the deadlock was detected. */
    public int goroutines() {
        return goroutines;
    }
}
