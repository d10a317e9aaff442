package dev.jgort.core;

import dev.jgort.spi.StackChoice;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** allocm's stack choice, per platform as Go makes it. */
class StackPolicyTest {

    @Test
    void osProvidedWhereTheOsAllocatesThreadStacks() {
        for (String os : new String[] {"Mac OS X", "Windows 11", "SunOS", "illumos"}) {
            assertEquals(StackChoice.Kind.OS_PROVIDED, StackPolicy.choose(true, os).kind(), os);
        }
    }

    @Test
    void runtimeAllocatedOnLinuxWhenTheBackendCanRunOnIt() {
        StackChoice c = StackPolicy.choose(true, "Linux");
        assertEquals(StackChoice.Kind.RUNTIME_ALLOCATED, c.kind());
        assertEquals(0, c.size() % StackPolicy.PAGE);
        // the VM's guard zones + Go's g0 budget + a goroutine budget: far above Go's 8 KiB
        assertTrue(c.size() > 104 * 1024, "size " + c.size());
    }

    @Test
    void javaBackendAlwaysGetsJvmProvidedStacks() {
        assertEquals(StackChoice.Kind.OS_PROVIDED, StackPolicy.choose(new JavaThreadBackend()).kind());
    }
}
