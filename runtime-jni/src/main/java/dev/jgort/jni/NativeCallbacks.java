package dev.jgort.jni;

import dev.jgort.api.GoRuntime;
import dev.jgort.spi.ExtraMs;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

/**
 * Callbacks from native code into a jgort runtime, from any thread: Go's cgo callbacks with
 * {@code needm} / {@code dropm}. Register a function, hand native code its id and
 * {@link #invokeAddress()} (the address of {@code int jgort_invoke(int64_t id, int64_t arg,
 * int64_t *result)}, declared in {@code jgort.h}), and native code calls it through that pointer.
 *
 * <pre>{@code
 * NativeCallbacks callbacks = NativeCallbacks.of(rt);
 * long id = callbacks.register(x -> x * 2);
 * long fn = NativeCallbacks.invokeAddress();   // pass fn and id to the native library
 * }</pre>
 *
 * <p>A thread jgort did not create is attached to the JVM once and takes an extra M of the runtime,
 * which it keeps between callbacks and gives back when it exits. Each callback runs like a goroutine
 * returning from a system call: it takes a P (so callbacks respect GOMAXPROCS; goroutines it starts
 * go to that P) and leaves it, when it returns, for the thread's next callback unless other work needs
 * it. Called from native code that a goroutine called, the callback runs on that goroutine's M.
 *
 * <p>Results of {@code jgort_invoke}: 0, or {@code JGORT_ERR_NOT_RUNNING} (-1: the runtime has
 * stopped), {@code JGORT_ERR_UNKNOWN_ID} (-2), {@code JGORT_ERR_CALLBACK_THREW} (-3: the exception is
 * logged to {@code System.getLogger("dev.jgort.jni")} at ERROR), {@code JGORT_ERR_ATTACH} (-4).
 */
public final class NativeCallbacks {
    /** jgort_invoke's results (jgort.h). */
    static final int OK = 0, NOT_RUNNING = -1, UNKNOWN_ID = -2, CALLBACK_THREW = -3;

    private record Registration(ExtraMs runtime, LongUnaryOperator fn) {}

    private static final ConcurrentHashMap<Long, Registration> CALLBACKS = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();
    /** The runtimes whose extra Ms the calling thread holds, to give back when it exits. */
    private static final ThreadLocal<Set<ExtraMs>> BOUND = ThreadLocal.withInitial(HashSet::new);

    private final ExtraMs runtime;

    private NativeCallbacks(ExtraMs runtime) {
        this.runtime = runtime;
    }

    /**
     * The callbacks of {@code rt}.
     *
     * @throws IllegalArgumentException if {@code rt} is not a runtime of jgort's runtime-core
     * @throws IllegalStateException    if libjgort is not available here (the message says why)
     */
    public static NativeCallbacks of(GoRuntime rt) {
        Objects.requireNonNull(rt, "runtime");
        if (!(rt instanceof ExtraMs extra)) {
            throw new IllegalArgumentException(rt + " cannot take callbacks from native threads: it is not a jgort runtime-core runtime");
        }
        requireLibrary();
        return new NativeCallbacks(extra);
    }

    /** The address of {@code jgort_invoke}, to hand to native code (as a function pointer). */
    public static long invokeAddress() {
        requireLibrary();
        return NativeThreads.invokeAddress();
    }

    private static void requireLibrary() {
        String why = NativeLibrary.LOAD_ERROR;
        if (why != null) throw new IllegalStateException("jgort native callbacks are not available: " + why);
    }

    /** Registers {@code fn}; native code calls it with {@code jgort_invoke(id, arg, &result)}. */
    public long register(LongUnaryOperator fn) {
        Objects.requireNonNull(fn, "fn");
        long id = IDS.incrementAndGet();
        CALLBACKS.put(id, new Registration(runtime, fn));
        return id;
    }

    /** Removes a callback; {@code jgort_invoke} with its id then returns {@code JGORT_ERR_UNKNOWN_ID}. */
    public void unregister(long id) {
        CALLBACKS.remove(id);
    }

    /** Called by {@code jgort_invoke} on the native thread. Never throws. */
    @SuppressWarnings("restricted") // writes *result, a pointer native code handed us
    static int invoke(long id, long arg, long resultAddress) {
        Registration r = CALLBACKS.get(id);
        if (r == null) return UNKNOWN_ID;
        long value;
        try {
            Set<ExtraMs> bound = BOUND.get();
            boolean first = bound.add(r.runtime);
            value = r.runtime.callback(r.fn, arg);
            if (first) {
                long m = r.runtime.currentMId();
                if (m >= 0) NativeThreads.bindCallbackThread(m);
            }
        } catch (RejectedExecutionException stopped) {
            return NOT_RUNNING;
        } catch (Throwable t) {
            System.getLogger("dev.jgort.jni").log(System.Logger.Level.ERROR,
                    "jgort: native callback " + id + " threw (jgort_invoke returns JGORT_ERR_CALLBACK_THREW)", t);
            return CALLBACK_THREW;
        }
        if (resultAddress != 0) {
            MemorySegment.ofAddress(resultAddress).reinterpret(Long.BYTES).set(ValueLayout.JAVA_LONG, 0, value);
        }
        return OK;
    }

    /** Called from the exit hook of a thread {@code jgort_invoke} attached: Go's dropm, for every runtime. */
    static void threadExit() {
        Set<ExtraMs> bound = BOUND.get();
        for (ExtraMs rt : bound) {
            try {
                rt.dropm();
            } catch (RuntimeException e) {
                System.getLogger("dev.jgort.jni").log(System.Logger.Level.ERROR, "jgort: dropm failed", e);
            }
        }
        BOUND.remove();
    }
}
