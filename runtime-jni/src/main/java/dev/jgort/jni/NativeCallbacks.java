package dev.jgort.jni;

import dev.jgort.api.GoRuntime;
import dev.jgort.spi.ExtraMs;
import dev.jgort.spi.RuntimeProvider;
import dev.jgort.spi.RuntimeStoppedException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
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
 * logged to {@code System.getLogger("dev.jgort.jni")} at ERROR), {@code JGORT_ERR_ATTACH} (-4: the
 * thread could not attach to the JVM), {@code JGORT_ERR_EXCEPTION_PENDING} (-5: the calling thread has
 * a Java exception pending, so JNI forbids calling Java; nothing ran and the exception stays pending).
 */
public final class NativeCallbacks {
    /** jgort_invoke's results (jgort.h). */
    static final int OK = 0, NOT_RUNNING = -1, UNKNOWN_ID = -2, CALLBACK_THREW = -3, EXCEPTION_PENDING = -5;

    private record Registration(ExtraMs runtime, LongUnaryOperator fn) {}

    /**
     * The registrations, indexed by id - 1: copy-on-write (registering is rare, invoking is hot and
     * must not box or lock). Replaced whole under {@code NativeCallbacks.class}'s monitor.
     */
    private static volatile Registration[] callbacks = new Registration[0];
    /** The runtimes whose extra Ms the calling thread holds, to give back when it exits. */
    private static final ThreadLocal<Set<ExtraMs>> BOUND = ThreadLocal.withInitial(HashSet::new);
    /** The runtime the calling thread's {@code jgort_current_m()} answers for (its last callback's). */
    private static final ThreadLocal<ExtraMs> CURRENT = new ThreadLocal<>();

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
        ExtraMs extra = extraMs(rt);
        if (extra == null) {
            throw new IllegalArgumentException(rt + " cannot take callbacks from native threads: it is not a jgort runtime-core runtime");
        }
        requireLibrary();
        return new NativeCallbacks(extra);
    }

    /**
     * {@code rt}'s callback entry points, from the runtime provider (an SPI route: the runtime object
     * does not implement {@link ExtraMs}), or null if {@code rt} is not the provider's.
     */
    static ExtraMs extraMs(GoRuntime rt) {
        Objects.requireNonNull(rt, "runtime");
        RuntimeProvider provider;
        try {
            provider = RuntimeProvider.get();
        } catch (IllegalStateException noProvider) { // a GoRuntime of the user's own, without runtime-core
            return null;
        }
        return provider.extraMs(rt);
    }

    /** The address of {@code jgort_invoke}, to hand to native code (as a function pointer). */
    public static long invokeAddress() {
        requireLibrary();
        return NativeThreads.invokeAddress();
    }

    private static void requireLibrary() {
        String why = NativeLibrary.LOAD_ERROR;
        if (why != null) throw new IllegalStateException("jgort native callbacks are not available: " + why, NativeLibrary.LOAD_CAUSE);
        Upcall.install();
    }

    /**
     * {@link #invoke} as an FFM upcall stub, which {@code jgort_invoke} calls instead of a JNI call
     * once it is installed (a few times cheaper). Made on first use, kept for the JVM's life.
     */
    private static final class Upcall {
        static {
            try {
                MethodHandle target = MethodHandles.lookup().findStatic(NativeCallbacks.class, "invoke",
                        MethodType.methodType(int.class, long.class, long.class, long.class));
                MemorySegment stub = upcallStub(target);
                NativeThreads.setInvokeUpcall(stub.address());
                // Threads that exit while the JVM shuts down must not call into it any more.
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("jgort-callbacks-shutdown")
                        .unstarted(NativeThreads::vmExiting));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("restricted") // the JVM runs with --enable-native-access, or the library did not load
        private static MemorySegment upcallStub(MethodHandle target) {
            return Linker.nativeLinker().upcallStub(target,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                    Arena.global());
        }

        static void install() {
            // class initialization did it
        }
    }

    /** Registers {@code fn}; native code calls it with {@code jgort_invoke(id, arg, &result)}. */
    public long register(LongUnaryOperator fn) {
        Objects.requireNonNull(fn, "fn");
        synchronized (NativeCallbacks.class) {
            Registration[] old = callbacks;
            Registration[] now = Arrays.copyOf(old, old.length + 1);
            now[old.length] = new Registration(runtime, fn);
            callbacks = now;
            return now.length; // ids start at 1 and are never reused
        }
    }

    /** Removes a callback; {@code jgort_invoke} with its id then returns {@code JGORT_ERR_UNKNOWN_ID}. */
    public void unregister(long id) {
        synchronized (NativeCallbacks.class) {
            Registration[] old = callbacks;
            if (id < 1 || id > old.length || old[(int) (id - 1)] == null) return;
            Registration[] now = old.clone();
            now[(int) (id - 1)] = null;
            callbacks = now;
        }
    }

    private static Registration lookup(long id) {
        Registration[] rs = callbacks;
        return id >= 1 && id <= rs.length ? rs[(int) (id - 1)] : null;
    }

    /**
     * Called by {@code jgort_invoke} on the native thread, through an FFM upcall stub (where an
     * exception would end the JVM) or JNI. Never throws.
     */
    static int invoke(long id, long arg, long resultAddress) {
        try {
            return invoke0(id, arg, resultAddress);
        } catch (Throwable t) { // not from the callback (invoke0 catches those): out of memory, say
            return CALLBACK_THREW;
        }
    }

    /**
     * All of memory, to write {@code *result} through: one segment made once, where a segment per call
     * ({@code ofAddress(p).reinterpret(8)}) costs a restricted-method check each time.
     */
    private static final class Memory {
        @SuppressWarnings("restricted") // writes only the result pointers native code hands jgort_invoke
        static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    }

    private static int invoke0(long id, long arg, long resultAddress) {
        Registration r = lookup(id);
        if (r == null) return UNKNOWN_ID;
        long value;
        try {
            if (CURRENT.get() != r.runtime) bind(r.runtime);
            value = r.runtime.callback(r.fn, arg);
        } catch (RuntimeStoppedException stopped) {
            return NOT_RUNNING;
        } catch (Throwable t) {
            System.getLogger("dev.jgort.jni").log(System.Logger.Level.ERROR,
                    "jgort: native callback " + id + " threw (jgort_invoke returns JGORT_ERR_CALLBACK_THREW)", t);
            return CALLBACK_THREW;
        }
        if (resultAddress != 0) {
            Memory.ALL.set(ValueLayout.JAVA_LONG, resultAddress, value);
        }
        return OK;
    }

    /**
     * Before the thread's first callback into {@code rt}: binds it an extra M (needm) and makes
     * {@code jgort_current_m()} answer that M's id from now on, also inside the callback.
     */
    private static void bind(ExtraMs rt) {
        long m = rt.bindCurrentThread(); // -1: a goroutine of rt, which has its M already
        if (m >= 0) {
            BOUND.get().add(rt);
            NativeThreads.bindCallbackThread(m);
        }
        CURRENT.set(rt);
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
        CURRENT.remove();
    }
}
