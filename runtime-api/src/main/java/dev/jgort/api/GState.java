package dev.jgort.api;

/**
 * The state of a goroutine, as Go's runtime keeps it ({@code _Gidle}, {@code _Grunnable}, ...).
 *
 * <p>A state read through {@link Goroutine#state()} is a snapshot: it may have changed by the time
 * the caller looks at it.
 */
public enum GState {
    /** Created but not yet started ({@code _Gidle}): an unstarted thread from {@link GoRuntime#threadFactory()}. */
    IDLE,
    /** On a run queue, waiting for a P ({@code _Grunnable}). */
    RUNNABLE,
    /** Mounted on an M that holds a P ({@code _Grunning}). */
    RUNNING,
    /** In a system call: still on its M, which may have lost its P ({@code _Gsyscall}). */
    SYSCALL,
    /** Parked: blocked in a lock, a queue, {@code sleep}, {@code join} ... ({@code _Gwaiting}). */
    WAITING,
    /** Finished ({@code _Gdead}). */
    DEAD
}
