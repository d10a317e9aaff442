package dev.jgort.spi;

import dev.jgort.api.GoRuntime;

import java.util.concurrent.ScheduledFuture;

/** What {@link dev.jgort.api.Go} asks of the calling goroutine; implemented by the scheduler's G. */
public interface CurrentGoroutine {
    GoRuntime runtime();

    long goid();

    void gosched();

    void lockOSThread();

    void unlockOSThread();

    /** Go's {@code entersyscall} ({@code block}: {@code entersyscallblock}, hand the P off at once). */
    void entersyscall(boolean block);

    /** Go's {@code exitsyscall}: returns with the goroutine running on an M that holds a P. */
    void exitsyscall();

    /** Yields if sysmon asked this goroutine to give up its P; returns whether it did. */
    boolean checkPreempt();

    /**
     * Go's {@code addtimer} for a channel timer this goroutine arms ({@code dev.jgort.chan.Timer}):
     * runs {@code task} once, {@code delayNanos} from now, on this goroutine's P, from the scheduling
     * loop, as Go's timers do. Cancelling the future takes the timer out.
     *
     * @return the timer, or {@code null} if the runtime keeps no timers on its Ps now (it stops, or
     *         runs with {@code -Djgort.timers=jdk}): the caller then fires it by its own means
     */
    default ScheduledFuture<?> addTimer(Runnable task, long delayNanos) {
        return null;
    }
}
