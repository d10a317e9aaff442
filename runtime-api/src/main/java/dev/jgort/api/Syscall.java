package dev.jgort.api;

/**
 * A blocking call that returns a value, for {@link Go#syscall(Syscall)}: a JNI or FFM call, blocking
 * file I/O, anything that holds its thread without parking the virtual thread.
 *
 * @param <T> the result
 * @param <E> what it may throw (reaches the caller as thrown; Throwable allows MethodHandle.invokeExact)
 */
@FunctionalInterface
public interface Syscall<T, E extends Throwable> {
    T call() throws E;
}
