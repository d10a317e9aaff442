package dev.jgort.api;

import dev.jgort.spi.CurrentGoroutine;
import dev.jgort.spi.RuntimeProvider;

/**
 * Go's {@code runtime} package for the code running inside a goroutine.
 */
public final class Go {
    private Go() {}

    private static CurrentGoroutine current() {
        return RuntimeProvider.get().current();
    }

    private static CurrentGoroutine require(String what) {
        CurrentGoroutine g = current();
        if (g == null) {
            throw new IllegalStateException(what + " works only inside a goroutine; the caller, "
                    + Thread.currentThread() + ", is not one (start goroutines with GoRuntime.go)");
        }
        return g;
    }

    /** The runtime of the calling goroutine. @throws IllegalStateException outside a goroutine */
    public static GoRuntime runtime() {
        return require("Go.runtime()").runtime();
    }

    /** Whether the caller is a goroutine of some jgort runtime. */
    public static boolean inGoroutine() {
        return current() != null;
    }

    /** The calling goroutine's id. @throws IllegalStateException outside a goroutine */
    public static long goid() {
        return require("Go.goid()").goid();
    }

    /**
     * {@code runtime.Gosched}: yields the P; the goroutine goes to the global run queue and runs again
     * later. Outside a goroutine this is {@link Thread#yield()}.
     */
    public static void gosched() {
        CurrentGoroutine g = current();
        if (g == null) {
            Thread.yield();
        } else {
            g.gosched();
        }
    }

    /**
     * {@code runtime.LockOSThread}: wires the calling goroutine to its M (OS thread); until as many
     * {@link #unlockOSThread()} calls, it runs only there and the M runs nothing else. A goroutine that
     * ends while locked takes its thread with it. Outside a goroutine it does nothing (a platform
     * thread is always its own thread).
     */
    public static void lockOSThread() {
        CurrentGoroutine g = current();
        if (g != null) g.lockOSThread();
    }

    /** {@code runtime.UnlockOSThread}: undoes one {@link #lockOSThread()}; extra calls do nothing. */
    public static void unlockOSThread() {
        CurrentGoroutine g = current();
        if (g != null) g.unlockOSThread();
    }
}
