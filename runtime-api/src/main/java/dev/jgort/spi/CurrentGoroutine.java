package dev.jgort.spi;

import dev.jgort.api.GoRuntime;

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
}
