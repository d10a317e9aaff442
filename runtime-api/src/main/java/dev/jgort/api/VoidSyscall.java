package dev.jgort.api;

/**
 * A blocking call without a result, for {@link Go#syscall(VoidSyscall)}.
 *
 * @param <E> what it may throw (reaches the caller as thrown; Throwable allows MethodHandle.invokeExact)
 */
@FunctionalInterface
public interface VoidSyscall<E extends Throwable> {
    void run() throws E;
}
