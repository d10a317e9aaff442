package dev.jgort.ffi;

import dev.jgort.spi.CurrentGoroutine;
import dev.jgort.spi.RuntimeProvider;

import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Objects;

/**
 * Go's {@code cgocall} for FFM downcalls: handles that run the native call as a system call of the
 * calling goroutine ({@code entersyscall} before, {@code exitsyscall} after, also when the call
 * throws), so a goroutine stuck in C never holds up the others and gets its P back at once when the
 * call returns.
 *
 * <pre>{@code
 * static final MethodHandle READ = Cgo.linker().downcallHandle(
 *         Linker.nativeLinker().defaultLookup().find("read").orElseThrow(),
 *         FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
 * long n = (long) READ.invokeExact(fd, buf, len);   // in a goroutine: a system call
 * }</pre>
 *
 * <p>Keep the handles in {@code static final} fields, as for any downcall: the JIT then inlines the
 * bracket (a few release stores and two CASes when the P comes straight back). Calls nest with
 * {@code Go.syscall}: only the outermost is a system call. Outside a goroutine, or without
 * runtime-core on the class path, the handles are plain downcalls.
 *
 * <p>{@link Linker.Option#critical critical} downcalls are refused: they hide from every signal the
 * scheduler has (the carrier reads as running Java) and hold up the VM's safepoints while they run.
 */
public final class Cgo {
    private Cgo() {}

    private static final CgoLinker LINKER = new CgoLinker(false);
    private static final CgoLinker BLOCKING_LINKER = new CgoLinker(true);

    /** The runtime behind {@link dev.jgort.api.Go}, or null: without runtime-core every call is plain. */
    private static final RuntimeProvider PROVIDER = provider();

    private static final MethodHandle ENTER, ENTER_BLOCK, EXIT;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            ENTER = l.findStatic(Cgo.class, "enter", MethodType.methodType(CurrentGoroutine.class));
            ENTER_BLOCK = l.findStatic(Cgo.class, "enterBlock", MethodType.methodType(CurrentGoroutine.class));
            EXIT = l.findStatic(Cgo.class, "exit", MethodType.methodType(void.class, Throwable.class, CurrentGoroutine.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static RuntimeProvider provider() {
        try {
            return RuntimeProvider.get();
        } catch (IllegalStateException noRuntime) {
            return null;
        }
    }

    /**
     * Downcall handles bracketed as Go's {@code cgocall} ({@code entersyscall}: the P stays with the
     * call in {@code _Psyscall} for a quick return, and is handed off if the call lasts).
     */
    public static CgoLinker linker() {
        return LINKER;
    }

    /**
     * Downcall handles for calls known to block (sleeps, waits, reads that usually wait): bracketed
     * with Go's {@code entersyscallblock}, which hands the P to another M at once.
     */
    public static CgoLinker blockingLinker() {
        return BLOCKING_LINKER;
    }

    /**
     * Brackets any method handle, typically a downcall made elsewhere (a jextract binding), as
     * {@link #linker()}'s handles are. The result has the same type.
     */
    public static MethodHandle wrap(MethodHandle downcall) {
        return bracket(downcall, false);
    }

    /** {@link #wrap} with {@code entersyscallblock}, for a call known to block. */
    public static MethodHandle wrapBlocking(MethodHandle downcall) {
        return bracket(downcall, true);
    }

    /**
     * {@code target(args)} becomes {@code g = enter(); try { return target(args); } finally { exit(g); }}
     * as method-handle combinators, which the JIT inlines whole when the result is a constant.
     */
    static MethodHandle bracket(MethodHandle target, boolean block) {
        Objects.requireNonNull(target, "downcall");
        MethodType type = target.type();
        Class<?> r = type.returnType();
        // (CurrentGoroutine g, args...) -> r: the body, ignoring g
        MethodHandle body = MethodHandles.dropArguments(target, 0, CurrentGoroutine.class);
        // (Throwable t, [r result,] CurrentGoroutine g) -> r: exit(t, g), then the result
        MethodHandle cleanup;
        if (r == void.class) {
            cleanup = EXIT;
        } else {
            MethodHandle result = MethodHandles.dropArguments(MethodHandles.identity(r), 0, Throwable.class);
            result = MethodHandles.dropArguments(result, 2, CurrentGoroutine.class);
            cleanup = MethodHandles.foldArguments(result, MethodHandles.dropArguments(EXIT, 1, r));
        }
        MethodHandle guarded = MethodHandles.tryFinally(body, cleanup);
        return MethodHandles.foldArguments(guarded, block ? ENTER_BLOCK : ENTER);
    }

    /** Go's {@code entersyscall} for the calling goroutine; null (nothing done) outside one. */
    private static CurrentGoroutine enter() {
        CurrentGoroutine g = PROVIDER != null ? PROVIDER.current() : null;
        if (g != null) g.entersyscall(false);
        return g;
    }

    private static CurrentGoroutine enterBlock() {
        CurrentGoroutine g = PROVIDER != null ? PROVIDER.current() : null;
        if (g != null) g.entersyscall(true);
        return g;
    }

    /** Go's {@code exitsyscall}, when {@link #enter} entered one; also when the call threw. */
    private static void exit(Throwable thrown, CurrentGoroutine g) {
        if (g != null) g.exitsyscall();
    }
}
