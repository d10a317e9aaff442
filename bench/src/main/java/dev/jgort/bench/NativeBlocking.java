package dev.jgort.bench;

import dev.jgort.api.Go;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The blocking-native workload: goroutines blocked in libc's {@code usleep} through FFM while others
 * compute. The call is written once as {@code Go.syscall(...)}: on jgort that is a system call (the P
 * is handed to another M while it blocks); on the JDK's scheduler {@code Go.syscall} outside a
 * goroutine is a plain call, and the carrier is simply pinned.
 */
public final class NativeBlocking {
    private NativeBlocking() {}

    public static final int BLOCKERS = 64;
    public static final int CALLS_EACH = 20;
    public static final int SLEEP_MICROS = 1000;
    public static final int COMPUTERS = 2;
    /** LCG steps per computing goroutine: roughly 10 ms of CPU. */
    public static final long COMPUTE_STEPS = 20_000_000L;

    @SuppressWarnings("restricted") // benchmarks run with --enable-native-access
    private static final MethodHandle USLEEP = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("usleep").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    /** Starts the blockers: each makes {@link #CALLS_EACH} blocking {@code usleep} calls. */
    public static Thread[] startBlockers(Spawner spawner) {
        Thread[] ts = new Thread[BLOCKERS];
        for (int i = 0; i < BLOCKERS; i++) {
            ts[i] = spawner.start(() -> {
                for (int k = 0; k < CALLS_EACH; k++) usleep(SLEEP_MICROS);
            });
        }
        return ts;
    }

    private static void usleep(int micros) {
        try {
            int rc = Go.syscall(() -> (int) USLEEP.invokeExact(micros));
            if (rc != 0) throw new IllegalStateException("usleep returned " + rc);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Runs the computing goroutines to the end and returns a value derived from their work. */
    public static long compute(Spawner spawner) throws InterruptedException {
        long[] out = new long[COMPUTERS];
        Thread[] ts = new Thread[COMPUTERS];
        for (int i = 0; i < COMPUTERS; i++) {
            int me = i;
            ts[i] = spawner.start(() -> {
                long x = me + 1;
                for (long s = 0; s < COMPUTE_STEPS; s++) {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                    // A preemption point every 64k steps (a no-op outside jgort), as a Go loop has.
                    if ((s & 0xFFFF) == 0) Go.checkPreempt();
                }
                out[me] = x;
            });
        }
        long sum = 0;
        for (int i = 0; i < COMPUTERS; i++) {
            ts[i].join();
            sum += out[i];
        }
        return sum;
    }

    public static void joinAll(Thread[] ts) throws InterruptedException {
        for (Thread t : ts) t.join();
    }
}
