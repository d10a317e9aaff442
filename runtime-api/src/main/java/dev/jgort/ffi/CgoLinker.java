package dev.jgort.ffi;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Objects;

/**
 * {@link Linker#nativeLinker()}'s downcall methods, with every handle bracketed as a cgo call
 * ({@link Cgo#linker()}) or as a blocking one ({@link Cgo#blockingLinker()}). ({@link Linker} itself
 * is sealed, so this is a class of its own with the same methods.)
 */
public final class CgoLinker {
    private final boolean blocking;

    CgoLinker(boolean blocking) {
        this.blocking = blocking;
    }

    /**
     * {@link Linker#downcallHandle(MemorySegment, FunctionDescriptor, Linker.Option...)}, bracketed.
     *
     * @throws IllegalArgumentException for a {@link Linker.Option#critical critical} downcall, or
     *                                  what {@code Linker} throws
     */
    @SuppressWarnings("restricted") // the caller's module needs native access, as for Linker itself
    public MethodHandle downcallHandle(MemorySegment address, FunctionDescriptor function, Linker.Option... options) {
        Objects.requireNonNull(address, "address");
        refuseCritical(options);
        return Cgo.bracket(Linker.nativeLinker().downcallHandle(address, function, options), blocking);
    }

    /**
     * {@link Linker#downcallHandle(FunctionDescriptor, Linker.Option...)} (the address is the first
     * argument of each call), bracketed.
     *
     * @throws IllegalArgumentException for a {@link Linker.Option#critical critical} downcall, or
     *                                  what {@code Linker} throws
     */
    @SuppressWarnings("restricted")
    public MethodHandle downcallHandle(FunctionDescriptor function, Linker.Option... options) {
        refuseCritical(options);
        return Cgo.bracket(Linker.nativeLinker().downcallHandle(function, options), blocking);
    }

    /** {@link Linker#defaultLookup()}: the native linker's libraries (libc). */
    public SymbolLookup defaultLookup() {
        return Linker.nativeLinker().defaultLookup();
    }

    private static void refuseCritical(Linker.Option... options) {
        for (Linker.Option o : options) {
            if (Linker.Option.critical(false).equals(o) || Linker.Option.critical(true).equals(o)) {
                throw new IllegalArgumentException("jgort: Cgo refuses Linker.Option.critical downcalls: while one runs,"
                        + " its carrier reads as running Java to every signal the scheduler has, and the VM's safepoints"
                        + " wait for it; make a plain downcall (drop the option), or call Linker.nativeLinker() directly"
                        + " outside goroutines");
            }
        }
    }
}
