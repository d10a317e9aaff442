package dev.jgort.bench;

import dev.jgort.api.Go;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The blocking-native workload: goroutines blocked in libc's {@code usleep} through FFM while others
 * compute. The goroutines are started from the benchmark thread (not a root goroutine) so that the
 * blockers' joins can stay outside the timed region. The call is written once, as
 * {@code Go.syscall(...)} (Go's {@code entersyscall}: the P stays in {@code _Psyscall} until sysmon
 * retakes it) or {@code Go.blockingSyscall(...)} ({@code entersyscallblock}: the P is handed off at
 * once); on the JDK's scheduler both are plain calls outside a goroutine, and the carrier is simply
 * pinned.
 */
public final class NativeBlocking {
    private NativeBlocking() {}

    public static final int BLOCKERS = 64;
    public static final int CALLS_EACH = 20;
    public static final int SLEEP_MICROS = 1000;
    public static final int COMPUTERS = 2;
    /** LCG steps per computing goroutine: ~20 ms of CPU on the project's 2-core machine. */
    public static final long COMPUTE_STEPS = 20_000_000L;
    /** A yield every 2^19 steps (~0.5 ms): both schedulers honour Thread.yield() the same way. */
    private static final long YIELD_MASK = (1 << 19) - 1;

    @SuppressWarnings("restricted") // benchmarks run with --enable-native-access
    private static final MethodHandle USLEEP = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("usleep").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    /** The blockers of one run; {@link #join()} checks that every call was made. */
    public static final class Blockers {
        private final Thread[] threads = new Thread[BLOCKERS];
        private final AtomicInteger calls = new AtomicInteger();

        /**
         * Starts the blockers: each makes {@link #CALLS_EACH} blocking {@code usleep} calls, through
         * {@code Go.blockingSyscall} when {@code knownToBlock}, else through {@code Go.syscall}.
         */
        public Blockers(Spawner spawner, boolean knownToBlock) {
            for (int i = 0; i < BLOCKERS; i++) {
                threads[i] = spawner.start(() -> {
                    for (int k = 0; k < CALLS_EACH; k++) {
                        usleep(SLEEP_MICROS, knownToBlock);
                        calls.incrementAndGet();
                    }
                });
            }
        }

        public void join() throws InterruptedException {
            for (Thread t : threads) t.join();
            if (calls.get() != BLOCKERS * CALLS_EACH) {
                throw new IllegalStateException("blocking calls made: " + calls.get() + ", expected " + BLOCKERS * CALLS_EACH);
            }
        }
    }

    private static void usleep(int micros, boolean knownToBlock) {
        try {
            int rc = knownToBlock
                    ? Go.blockingSyscall(() -> (int) USLEEP.invokeExact(micros))
                    : Go.syscall(() -> (int) USLEEP.invokeExact(micros));
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
                    if ((s & YIELD_MASK) == YIELD_MASK) Thread.yield();
                }
                out[me] = x;
            });
        }
        long sum = 0;
        for (int i = 0; i < COMPUTERS; i++) {
            ts[i].join();
            if (out[i] != EXPECTED[i]) throw new IllegalStateException("compute goroutine " + i + " got " + out[i]);
            sum += out[i];
        }
        return sum;
    }

    /** What each computing goroutine must end with (computed once, on the loading thread). */
    private static final long[] EXPECTED = new long[COMPUTERS];
    static {
        for (int i = 0; i < COMPUTERS; i++) {
            long x = i + 1;
            for (long s = 0; s < COMPUTE_STEPS; s++) x = x * 6364136223846793005L + 1442695040888963407L;
            EXPECTED[i] = x;
        }
    }
}
