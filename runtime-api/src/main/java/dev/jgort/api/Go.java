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

    /**
     * Runs a blocking call the way Go runs a system call ({@code entersyscall} / {@code exitsyscall}):
     * the goroutine's P stays with its M in the {@code _Psyscall} state, and if the call takes longer
     * than a sysmon tick (20 µs to 10 ms) while other goroutines wait, sysmon hands the P to another M
     * so they keep running. When the call returns the goroutine takes its P back, or any idle P, or
     * else queues on the global run queue and its M parks. Outside a goroutine it just calls.
     *
     * <p>Use it around JNI/FFM calls, blocking file I/O and other calls that block the carrier without
     * parking the virtual thread. Calls nest (only the outermost is a system call).
     *
     * @return what {@code call} returned
     * @throws E what {@code call} threw, as it was thrown
     */
    public static <T, E extends Throwable> T syscall(Syscall<T, E> call) throws E {
        return inSyscall(call, false);
    }

    /** {@link #syscall(Syscall)} for a call without a result. */
    public static <E extends Throwable> void syscall(VoidSyscall<E> call) throws E {
        inSyscall(() -> {
            call.run();
            return null;
        }, false);
    }

    /**
     * Go's {@code entersyscallblock}: like {@link #syscall(Syscall)} for a call known to block for long;
     * the P is handed off at once instead of after a sysmon tick.
     *
     * <p>Prefer it for calls that wait (sleeps, waits on native events, reads that usually block): many
     * goroutines making such calls back to back through {@link #syscall(Syscall)} keep the Ps in
     * {@code _Psyscall} (a returning call takes any P left there, so sysmon seldom retakes one; Go's
     * golang/go#28701), and the other goroutines run several times slower.
     */
    public static <T, E extends Throwable> T blockingSyscall(Syscall<T, E> call) throws E {
        return inSyscall(call, true);
    }

    /** {@link #blockingSyscall(Syscall)} for a call without a result. */
    public static <E extends Throwable> void blockingSyscall(VoidSyscall<E> call) throws E {
        inSyscall(() -> {
            call.run();
            return null;
        }, true);
    }

    private static <T, E extends Throwable> T inSyscall(Syscall<T, E> call, boolean block) throws E {
        CurrentGoroutine g = current();
        if (g == null) return call.call();
        g.entersyscall(block);
        try {
            return call.call();
        } finally {
            g.exitsyscall();
        }
    }

    /**
     * A cooperative preemption point. jgort cannot preempt a running virtual thread; instead sysmon
     * flags a goroutine that has held its P for more than 10 ms, and the goroutine yields here (to the
     * global run queue, as Go's preemption does). Call it in long CPU-bound loops. Parking and yielding
     * clear the flag too.
     *
     * @return whether the goroutine yielded
     */
    public static boolean checkPreempt() {
        CurrentGoroutine g = current();
        return g != null && g.checkPreempt();
    }
}
