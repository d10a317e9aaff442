package dev.jgort.core;

import dev.jgort.spi.StackChoice;
import dev.jgort.spi.ThreadBackend;
import dev.jgort.spi.ThreadStart;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** allocm's stack choice, per platform as Go makes it, sized with the OS page size the backend reports. */
class StackPolicyTest {

    private static final long KIB = 1024;
    private static final StackPolicy.VmStackFlags DEFAULTS = StackPolicy.VmStackFlags.DEFAULTS;

    @Test
    void osProvidedWhereTheOsAllocatesThreadStacks() {
        for (String os : new String[] {"Mac OS X", "Windows 11", "SunOS", "illumos"}) {
            assertEquals(StackChoice.Kind.OS_PROVIDED, StackPolicy.choose(true, os, 4096, DEFAULTS).kind(), os);
        }
    }

    @Test
    void runtimeAllocatedOnLinuxWhenTheBackendCanRunOnIt() {
        StackChoice c = StackPolicy.choose(true, "Linux", 4096, StackPolicy.VmStackFlags.current());
        assertEquals(StackChoice.Kind.RUNTIME_ALLOCATED, c.kind());
        assertEquals(0, c.size() % 4096);
        // the VM's guard zones + Go's g0 budget + a goroutine budget: far above Go's 8 KiB
        assertTrue(c.size() > 104 * KIB, "size " + c.size());
    }

    /** 4 KiB pages (x86_64): HotSpot's default zones are 1+2+1+20 pages = 96 KiB, + 8 KiB g0 + 1 MiB. */
    @Test
    void fourKiBPages() {
        assertEquals(96 * KIB + 8 * KIB + 1024 * KIB, StackPolicy.runtimeStackSize(4 * KIB, DEFAULTS));
    }

    /**
     * 16 KiB pages (some aarch64 Linux kernels, Apple silicon): HotSpot rounds each zone up to a page
     * (red 4 → 16, yellow 8 → 16, reserved 4 → 16, shadow 80 → 80 KiB = 128 KiB), and the whole
     * stack is whole pages: 128 + 8 + 1024 = 1160 KiB → 1168 KiB.
     */
    @Test
    void sixteenKiBPages() {
        long size = StackPolicy.runtimeStackSize(16 * KIB, DEFAULTS);
        assertEquals(1168 * KIB, size);
        assertEquals(0, size % (16 * KIB));
    }

    /**
     * 64 KiB pages (aarch64 and ppc64le Linux kernels built so): zones 64 + 64 + 64 + 128 = 320 KiB,
     * 320 + 8 + 1024 = 1352 KiB → 1408 KiB; a 4 KiB assumption would leave the zones too small and
     * the stack not page-aligned (the OS would refuse it).
     */
    @Test
    void sixtyFourKiBPages() {
        long size = StackPolicy.runtimeStackSize(64 * KIB, DEFAULTS);
        assertEquals(1408 * KIB, size);
        assertEquals(0, size % (64 * KIB));
        assertNotEquals(0, StackPolicy.runtimeStackSize(4 * KIB, DEFAULTS) % (64 * KIB));
    }

    @Test
    void theVmsFlagsSizeTheReserveAndTheGoroutineBudget() {
        var flags = new StackPolicy.VmStackFlags(1, 2, 1, 10, 512); // -XX:StackShadowPages=10 -Xss512k
        assertEquals(56 * KIB + 8 * KIB + 512 * KIB, StackPolicy.runtimeStackSize(4 * KIB, flags));
    }

    @Test
    void thePageSizeComesFromTheBackendWith4KiBOnlyAsTheFallback() {
        assertEquals(64 * KIB, StackPolicy.pageSize(backendWithPage(64 * KIB)));
        assertEquals(16 * KIB, StackPolicy.pageSize(backendWithPage(16 * KIB)));
        assertEquals(StackPolicy.FALLBACK_PAGE, StackPolicy.pageSize(backendWithPage(0)), "0: the backend does not know");
        assertEquals(StackPolicy.FALLBACK_PAGE, StackPolicy.pageSize(backendWithPage(12_345)), "not a power of two");
        assertEquals(StackPolicy.FALLBACK_PAGE, StackPolicy.pageSize(new JavaThreadBackend()));
    }

    @Test
    void javaBackendAlwaysGetsJvmProvidedStacks() {
        assertEquals(StackChoice.Kind.OS_PROVIDED, StackPolicy.choose(new JavaThreadBackend()).kind());
    }

    private static ThreadBackend backendWithPage(long page) {
        return new ThreadBackend() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public String unavailableReason() {
                return null;
            }

            @Override
            public boolean supportsRuntimeAllocatedStacks() {
                return true;
            }

            @Override
            public long pageSize() {
                return page;
            }

            @Override
            public void newThread(ThreadStart start) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
