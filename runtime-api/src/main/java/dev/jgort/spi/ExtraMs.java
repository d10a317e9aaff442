package dev.jgort.spi;

import java.util.function.LongUnaryOperator;

/**
 * Callbacks into a runtime from threads it did not create: Go's {@code cgocallback} with
 * {@code needm} / {@code dropm}. runtime-core gives one per runtime through
 * {@link RuntimeProvider#extraMs}; runtime-jni's {@code NativeCallbacks} uses it for {@code jgort_invoke}.
 *
 * <p>Not for user code: a {@code dropm()} from the wrong thread corrupts the extra-M list. What keeps
 * users out: on the module path, {@code dev.jgort.spi} is exported only to {@code dev.jgort.core} and
 * {@code dev.jgort.jni}, so user modules can neither name this type nor call
 * {@link RuntimeProvider#extraMs} (javac refuses; reflection throws {@code IllegalAccessException}). On the
 * class path nothing can enforce that: every package is visible, and {@code RuntimeProvider.get().extraMs(rt)}
 * still works; the runtime object itself does not implement this interface, so a cast of a
 * {@code GoRuntime} is no longer enough, which keeps misuse deliberate rather than accidental.
 */
public interface ExtraMs {

    /**
     * Runs {@code fn.applyAsLong(arg)} on the calling thread the way Go runs a callback from C. A
     * thread that is not one of the runtime's takes an extra M from the extra list ({@code needm}) and
     * keeps it until {@link #dropm()} (as in Go 1.21+); it then takes a P as a goroutine returning from
     * a system call would (so callbacks respect GOMAXPROCS, and goroutines they start go to that P),
     * runs {@code fn}, and keeps the P for its next callback, as a goroutine in a system call keeps its
     * P (sysmon hands it off if other work needs it). A goroutine of the runtime (native code it called is calling back)
     * needs no extra M: it just runs {@code fn}, leaving and re-entering its {@code Go.syscall} if it
     * is in one.
     *
     * @return what {@code fn} returned; whatever it throws passes through
     * @throws RuntimeStoppedException if the runtime has stopped (before or while waiting for a P)
     */
    long callback(LongUnaryOperator fn, long arg);

    /**
     * Binds the calling thread to an extra M ({@code needm}) if it has none, without taking a P, and
     * returns that M's id; -1 for a goroutine of this runtime (it has its M already).
     *
     * @throws RuntimeStoppedException if the runtime has stopped
     */
    long bindCurrentThread();

    /** Go's {@code dropm}: the calling thread is ending; its extra M goes back on the extra list. */
    void dropm();

    /** The id of the M the calling thread is (its extra M, or the M it runs on), or -1. */
    long currentMId();
}
