package dev.jgort.spi;

/**
 * An M's scheduling context, Go's {@code m.g0}: the identity and the stack of the thread the M runs on.
 * Made by the scheduler in {@code allocm}; the backend fills in the stack bounds.
 */
public final class G0 {
    private final long mId;
    private final String threadName;
    private final StackChoice stack;

    /** Stack bounds {@code [lo, hi)}, 0 while unknown. Written by the M's own thread, read by anyone. */
    private volatile long stackLo;
    private volatile long stackHi;
    /** The backend's handle on the thread (a native pointer), 0 when none. */
    private volatile long threadHandle;
    /** Go's {@code m.freeWait}: 1 until the thread no longer runs on its stack. */
    private volatile boolean threadEnded;

    public G0(long mId, String threadName, StackChoice stack) {
        this.mId = mId;
        this.threadName = threadName;
        this.stack = stack;
    }

    /** The id of the M ({@code m.id}). */
    public long mId() { return mId; }

    /** The name the M's thread must carry. */
    public String threadName() { return threadName; }

    /** The stack {@code allocm} chose. */
    public StackChoice stack() { return stack; }

    /** Records the real stack region {@code [lo, hi)} (0, 0 where it cannot be known). */
    public void setStackBounds(long lo, long hi) {
        this.stackLo = lo;
        this.stackHi = hi;
    }

    public long stackLo() { return stackLo; }

    public long stackHi() { return stackHi; }

    /** Records the backend's handle on the thread (0 once released). */
    public void setThreadHandle(long handle) { this.threadHandle = handle; }

    public long threadHandle() { return threadHandle; }

    /** Called by the backend once the thread has ended and no longer uses its stack. */
    public void threadEnded() { threadEnded = true; }

    /** Whether {@link #threadEnded()} was called (Go: {@code freeWait == 0}). */
    public boolean isThreadEnded() { return threadEnded; }
}
