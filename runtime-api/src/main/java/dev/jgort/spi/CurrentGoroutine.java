package dev.jgort.spi;

import dev.jgort.api.GoRuntime;

/** What {@link dev.jgort.api.Go} asks of the calling goroutine; implemented by the scheduler's G. */
public interface CurrentGoroutine {
    GoRuntime runtime();

    long goid();

    void gosched();

    void lockOSThread();

    void unlockOSThread();
}
