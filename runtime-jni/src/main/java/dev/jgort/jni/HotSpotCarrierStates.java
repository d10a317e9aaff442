package dev.jgort.jni;

import dev.jgort.spi.CarrierStates;

/**
 * {@link CarrierStates} from HotSpot's own {@code JavaThread::_thread_state}, read by libjgort
 * (carrier_state.c) at the offset HotSpot's exported structure tables give: one load per look, no
 * JVMTI (a JVMTI environment would slow every virtual-thread switch for the life of the JVM).
 * Used by both backends: the Java backend loads libjgort for this alone.
 */
// Public, in the exported package, because ServiceLoader needs a public provider on the class path;
// its SPI supertype is exported only to dev.jgort.core, which is the point (javac's "exports" lint
// says module-path users cannot see it).
@SuppressWarnings("exports")
public final class HotSpotCarrierStates implements CarrierStates {

    public HotSpotCarrierStates() {}

    /** Null once the tables were found and checked, else why not. Computed once. */
    private static final class Init {
        static final String WHY_NOT = checkTables();
    }

    /**
     * Finds and checks the tables. The check reads its caller's own state, so it runs on a platform
     * thread of its own (the caller may be a virtual thread). That thread's code lives in this class,
     * not in {@link Init}: it would otherwise wait for {@code Init}'s initialization, which waits for it.
     */
    private static String checkTables() {
        if (NativeLibrary.LOAD_ERROR != null) return NativeLibrary.LOAD_ERROR;
        String[] why = new String[1];
        Thread t = Thread.ofPlatform().name("jgort-carrier-state-init").unstarted(() -> {
            try {
                why[0] = NativeThreads.carrierStateInit(Thread.currentThread());
            } catch (Throwable e) {
                why[0] = "reading HotSpot's thread states failed: " + e;
            }
        });
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while checking HotSpot's thread states";
        }
        return why[0];
    }

    @Override
    public String name() {
        return "hotspot";
    }

    @Override
    public String unavailableReason() {
        return Init.WHY_NOT;
    }

    @Override
    public long register() {
        Thread self = Thread.currentThread();
        if (Init.WHY_NOT != null || self.isVirtual()) return 0;
        return NativeThreads.registerCarrier(self);
    }

    @Override
    public void deregister(long handle) {
        if (handle != 0) NativeThreads.deregisterCarrier(handle);
    }

    @Override
    public int state(long handle) {
        return NativeThreads.carrierState(handle);
    }

    @Override
    public long cpuTimeNanos(long handle) {
        return NativeThreads.carrierCpuNanos(handle);
    }

    @Override
    public int osState(long handle) {
        return NativeThreads.carrierOsState(handle);
    }
}
