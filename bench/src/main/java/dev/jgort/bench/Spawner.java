package dev.jgort.bench;

import dev.jgort.api.GoRuntime;

/**
 * Starts a thread on one scheduler: the only thing that differs between the jgort run and the JDK run
 * of a workload in {@link Workloads}.
 */
@FunctionalInterface
public interface Spawner {

    /** Starts {@code task} in a new goroutine (virtual thread) and returns its thread, to join or unpark. */
    Thread start(Runnable task);

    /** Goroutines of a jgort runtime: Go's {@code go f()}. */
    static Spawner jgort(GoRuntime runtime) {
        return task -> runtime.go(task).thread();
    }

    /** Virtual threads on the JDK's default scheduler (its ForkJoinPool). */
    static Spawner jdk() {
        return Thread::startVirtualThread;
    }
}
