package dev.jgort.api;

import dev.jgort.chan.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * runtime-api alone, as its own tests run it (no runtime-core on the class path): {@link Go} says what
 * to add, every time it is called, and channel timers still work, in a virtual thread too (they ask
 * the calling thread's runtime for a P only when there is one).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WithoutARuntimeTest {

    @Test
    void goSaysWhichArtifactIsMissingEveryTime() {
        for (int i = 0; i < 2; i++) {
            IllegalStateException e = assertThrows(IllegalStateException.class, Go::goid);
            assertTrue(e.getMessage().contains("dev.jgort:runtime-core"), e.getMessage());
        }
    }

    @Test
    void aTimerFiresInAVirtualThreadWithoutARuntime() throws Exception {
        AtomicReference<Instant> got = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                got.set(Timer.after(Duration.ofMillis(1)).recv());
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(t.join(Duration.ofSeconds(60)), "the timer never fired");
        assertNotNull(got.get());
    }
}
