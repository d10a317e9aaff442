package dev.jgort.core;

import dev.jgort.spi.ThreadBackend;
import dev.jgort.spi.ThreadStart;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Backend selection: what "native", "auto" and "java" give, and how an absent or broken backend is reported. */
class BackendsTest {

    /** Core names no artifact: it says what ServiceLoader did not find and where the backend's docs are. */
    @Test
    void anAbsentNativeBackendIsReportedAsNotFoundThroughServiceLoader() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.select("native", List.of()));
        String m = e.getMessage();
        assertTrue(m.contains("no backend named \"native\"") && m.contains("ServiceLoader")
                && m.contains("META-INF/services/dev.jgort.spi.ThreadBackend") && m.contains("[java]"), m);
        assertTrue(m.contains("withBackend(\"java\")"), m);
        assertFalse(m.contains("runtime-jni"), "core names no artifact: " + m);
        assertNull(e.getCause());
    }

    /** The backend's own reason is the message, and the error it caught (the loader's) is the cause. */
    @Test
    void anUnavailableNativeBackendsCauseTravelsWithTheError() {
        UnsatisfiedLinkError loaderError = new UnsatisfiedLinkError("libjgort.so: cannot open shared object file");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Backends.select("native", List.of(unavailableNative("no libjgort for linux-aarch_64", loaderError))));
        assertTrue(e.getMessage().contains("no libjgort for linux-aarch_64"), e.getMessage());
        assertSame(loaderError, e.getCause());
    }

    @Test
    void autoFallsBackToJavaAndJavaIsAlwaysThere() {
        ThreadBackend broken = unavailableNative("broken", null);
        assertEquals("java", Backends.select("auto", List.of(broken)).name());
        assertEquals("java", Backends.select("auto", List.of()).name());
        assertEquals("java", Backends.select("java", List.of(broken)).name());
    }

    private static ThreadBackend unavailableNative(String reason, Throwable cause) {
        return new ThreadBackend() {
            @Override
            public String name() {
                return "native";
            }

            @Override
            public String unavailableReason() {
                return reason;
            }

            @Override
            public Throwable unavailableCause() {
                return cause;
            }

            @Override
            public boolean supportsRuntimeAllocatedStacks() {
                return true;
            }

            @Override
            public void newThread(ThreadStart start) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
