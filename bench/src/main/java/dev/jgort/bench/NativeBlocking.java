package dev.jgort.bench;

import dev.jgort.api.Go;
import dev.jgort.ffi.Cgo;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The blocking-native workload: 64 goroutines each make 20 blocking native calls of ~1 ms while 2
 * goroutines compute. The goroutines are started from the benchmark thread (not a root goroutine) so
 * that the blockers' joins can stay outside the timed region. The call is one of {@link Call}: through
 * jgort's annotations ({@code Go.syscall}, {@code Go.blockingSyscall}, a {@link Cgo} handle), or made
 * as real code makes it, unannotated (an FFM downcall, a JNI native method, {@code FileInputStream.read}
 * of a pipe fed slowly). On the JDK's scheduler the annotations are plain calls outside a goroutine, and
 * the carrier is simply pinned. The Go program {@code bench/go/blockingnative} is the same workload.
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

    /** How each blocker makes its 20 blocking calls. */
    public enum Call {
        /** FFM {@code usleep(1000)} inside {@code Go.syscall} (Go's entersyscall). */
        SYSCALL,
        /** FFM {@code usleep(1000)} inside {@code Go.blockingSyscall} (Go's entersyscallblock). */
        BLOCKING_SYSCALL,
        /** {@code usleep(1000)} through a {@link Cgo#linker()} handle (Go's cgocall). */
        CGO,
        /** A plain FFM downcall to {@code usleep(1000)}, as jextract bindings make it. */
        UNANNOTATED,
        /** A JNI native method that sleeps 1 ms in C ({@code blocking.c}, built with gcc). */
        JNI,
        /**
         * {@code FileInputStream.read()} of a reply from a FIFO, after writing a request to another:
         * a server thread answers 1 ms later (a pipe fed slowly, as a remote peer feeds a socket).
         */
        FIFO,
        /**
         * Not a goroutine's call: the same {@code usleep(1000)} calls made by 64 platform threads that
         * already exist (a pool), outside any scheduler. What the 1,280 sleeps and wake-ups alone cost
         * the computing goroutines on this machine: the floor of the other kinds' slowdown.
         */
        FLOOR;

        /** The call whose JMH parameter name ({@link #paramName()}) is {@code name}. */
        public static Call of(String name) {
            for (Call c : values()) {
                if (c.paramName().equals(name)) return c;
            }
            throw new IllegalArgumentException("blocking call \"" + name
                    + "\" is unknown: use syscall, blockingSyscall, cgo, unannotated, jni, fifo or floor");
        }

        /** {@code syscall}, {@code blockingSyscall}, {@code cgo}, {@code unannotated}, {@code jni}, {@code fifo}, {@code floor}. */
        public String paramName() {
            return this == BLOCKING_SYSCALL ? "blockingSyscall" : name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @SuppressWarnings("restricted") // benchmarks run with --enable-native-access
    private static final MemorySegment USLEEP_ADDRESS = Linker.nativeLinker().defaultLookup().find("usleep").orElseThrow();
    private static final FunctionDescriptor INT_INT = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    @SuppressWarnings("restricted")
    private static final MethodHandle USLEEP = Linker.nativeLinker().downcallHandle(USLEEP_ADDRESS, INT_INT);
    private static final MethodHandle CGO_USLEEP = Cgo.linker().downcallHandle(USLEEP_ADDRESS, INT_INT);

    /** The JNI side, built and loaded on first use. */
    static final class Jni {
        private Jni() {}

        static {
            try {
                load(BenchLibraries.build("blocking"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @SuppressWarnings("restricted")
        private static void load(Path lib) {
            System.load(lib.toString());
        }

        /** Sleeps in C; returns usleep's result. */
        static native int sleepMicros(int micros);
    }

    /**
     * A slowly fed pipe per blocker, as a remote server would feed a socket: the blocker writes a
     * request byte to one FIFO and reads the reply from another with {@code FileInputStream.read()};
     * a platform thread per pair (the "server", the same on both schedulers) answers each request
     * {@link #SLEEP_MICROS} µs after it came. Made once per trial ({@link #close()} ends the servers
     * and removes the FIFOs).
     */
    public static final class Fifos implements AutoCloseable {
        private final Path dir;
        private final Path[] requests = new Path[BLOCKERS], replies = new Path[BLOCKERS];
        private final Thread[] servers = new Thread[BLOCKERS];
        /** The blockers' ends, opened once: requests to write, replies to read. */
        private final FileOutputStream[] requestOut = new FileOutputStream[BLOCKERS];
        private final FileInputStream[] replyIn = new FileInputStream[BLOCKERS];

        public Fifos() throws IOException, InterruptedException {
            dir = Files.createTempDirectory("jgort-fifos");
            for (int i = 0; i < BLOCKERS; i++) {
                requests[i] = mkfifo(dir.resolve("request" + i));
                replies[i] = mkfifo(dir.resolve("reply" + i));
            }
            for (int i = 0; i < BLOCKERS; i++) {
                Path request = requests[i], reply = replies[i];
                servers[i] = Thread.ofPlatform().daemon().name("fifo-server-" + i).start(() -> serve(request, reply));
                // Opening a FIFO waits for its other end: the server opens its ends in the same order.
                requestOut[i] = new FileOutputStream(request.toFile());
                replyIn[i] = new FileInputStream(reply.toFile());
            }
        }

        private static Path mkfifo(Path p) throws IOException, InterruptedException {
            Process mk = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
            String out = new String(mk.getInputStream().readAllBytes());
            if (mk.waitFor() != 0) throw new IllegalStateException("mkfifo failed: " + out);
            return p;
        }

        /** A server: answers each request byte with the same byte, 1 ms later, until the requests end. */
        private static void serve(Path request, Path reply) {
            try (FileInputStream in = new FileInputStream(request.toFile());
                 FileOutputStream out = new FileOutputStream(reply.toFile())) {
                for (int b; (b = in.read()) >= 0; ) {
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(SLEEP_MICROS));
                    out.write(b);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Blocker {@code i}'s {@link #CALLS_EACH} round trips: each read blocks until the reply comes. */
        void roundTrips(int i, AtomicInteger calls) throws IOException {
            for (int k = 0; k < CALLS_EACH; k++) {
                requestOut[i].write(k);
                int b = replyIn[i].read();
                if (b != k) throw new IllegalStateException("read " + b + " from " + replies[i] + ", expected " + k);
                calls.incrementAndGet();
            }
        }

        @Override
        public void close() throws IOException {
            for (int i = 0; i < BLOCKERS; i++) {
                if (requestOut[i] != null) requestOut[i].close(); // the server sees the end and closes the reply
                if (replyIn[i] != null) replyIn[i].close();
            }
            for (Thread t : servers) {
                try {
                    if (t != null) t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            for (int i = 0; i < BLOCKERS; i++) {
                Files.deleteIfExists(requests[i]);
                Files.deleteIfExists(replies[i]);
            }
            Files.deleteIfExists(dir);
        }
    }

    /** The blockers of one run; {@link #join()} checks that every call was made. */
    public static final class Blockers {
        private final Thread[] threads = new Thread[BLOCKERS];
        private final AtomicInteger calls = new AtomicInteger();
        /** {@link Call#FLOOR}: the pool's tasks still running. */
        private final java.util.concurrent.CountDownLatch floorLeft;

        /**
         * Starts the blockers, each making {@link #CALLS_EACH} blocking calls of the given kind
         * ({@code fifos} only for {@link Call#FIFO}).
         */
        public Blockers(Spawner spawner, Call call, Fifos fifos) {
            if (call == Call.JNI) Jni.sleepMicros(0); // built and loaded before the run starts
            floorLeft = new java.util.concurrent.CountDownLatch(call == Call.FLOOR ? BLOCKERS : 0);
            if (call == Call.FLOOR) {
                java.util.concurrent.ExecutorService pool = FloorPool.POOL;
                for (int i = 0; i < BLOCKERS; i++) {
                    pool.execute(() -> {
                        for (int k = 0; k < CALLS_EACH; k++) {
                            block(call);
                            calls.incrementAndGet();
                        }
                        floorLeft.countDown();
                    });
                }
                return;
            }
            for (int i = 0; i < BLOCKERS; i++) {
                int me = i;
                threads[i] = spawner.start(() -> {
                    if (call == Call.FIFO) {
                        try {
                            fifos.roundTrips(me, calls);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    } else {
                        for (int k = 0; k < CALLS_EACH; k++) {
                            block(call);
                            calls.incrementAndGet();
                        }
                    }
                });
            }
        }

        public void join() throws InterruptedException {
            for (Thread t : threads) {
                if (t != null) t.join();
            }
            floorLeft.await();
            if (calls.get() != BLOCKERS * CALLS_EACH) {
                throw new IllegalStateException("blocking calls made: " + calls.get() + ", expected " + BLOCKERS * CALLS_EACH);
            }
        }
    }

    /** {@link Call#FLOOR}'s platform threads: started once, each runs one blocker's calls per run. */
    private static final class FloorPool {
        static final java.util.concurrent.ExecutorService POOL = prestarted();
    }

    /**
     * A pool of {@link #BLOCKERS} platform threads, all started. (Not in FloorPool's initializer: its
     * threads would run code of a class still being initialized, and wait for it.)
     */
    private static java.util.concurrent.ExecutorService prestarted() {
        var pool = new java.util.concurrent.ThreadPoolExecutor(BLOCKERS, BLOCKERS, 0, TimeUnit.SECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(), Thread.ofPlatform().daemon().name("floor-blocker-", 0).factory());
        pool.prestartAllCoreThreads();
        return pool;
    }

    private static void block(Call call) {
        try {
            int rc = switch (call) {
                case SYSCALL -> Go.syscall(() -> (int) USLEEP.invokeExact(SLEEP_MICROS));
                case BLOCKING_SYSCALL -> Go.blockingSyscall(() -> (int) USLEEP.invokeExact(SLEEP_MICROS));
                case CGO -> (int) CGO_USLEEP.invokeExact(SLEEP_MICROS);
                case UNANNOTATED, FLOOR -> (int) USLEEP.invokeExact(SLEEP_MICROS);
                case JNI -> Jni.sleepMicros(SLEEP_MICROS);
                case FIFO -> throw new IllegalArgumentException("FIFO reads are not a sleep");
            };
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
