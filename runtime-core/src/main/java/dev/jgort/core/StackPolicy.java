package dev.jgort.core;

import dev.jgort.spi.StackChoice;
import dev.jgort.spi.ThreadBackend;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * {@code allocm}'s stack decision, per platform as Go makes it: where the OS allocates thread stacks
 * itself (macOS, Windows, Solaris, illumos; Go's {@code malg(-1)}), or where the backend cannot run a
 * thread on a stack the runtime mapped (the Java backend: the JVM makes its threads' stacks), the stack
 * is OS-provided. Elsewhere (Linux, the BSDs) the runtime allocates a fixed stack.
 *
 * <p>Go's runtime-allocated g0 stack is {@code 8 KiB × StackGuardMultiplier}; a JVM thread cannot live
 * on that (attaching needs the VM's guard zones), so jgort's fixed stack is the VM's reserve (its
 * red, yellow, reserved and shadow zones) + Go's g0 budget + the goroutine budget (the JVM's thread
 * stack size), rounded up to pages.
 *
 * <p>The page size is the OS's, as the backend reads it ({@link ThreadBackend#pageSize()}: 4 KiB on
 * x86_64, 16 or 64 KiB on some aarch64 Linux kernels and Apple silicon); Go's {@code physPageSize}.
 * {@link #FALLBACK_PAGE} is used only where the backend does not know it (the Java backend, which maps
 * no stacks anyway). HotSpot gives its zone flags in 4 KiB units and rounds each zone up to the page
 * size ({@code StackOverflow::initialize_stack_zone_sizes}), and so does this.
 */
final class StackPolicy {
    private StackPolicy() {}

    /** The page size assumed when the backend reports none: x86_64's, the smallest in use. */
    static final long FALLBACK_PAGE = 4096;
    /** The unit of HotSpot's {@code Stack*Pages} flags, whatever the page size. */
    static final long HOTSPOT_ZONE_UNIT = 4096;
    /** Go's {@code 8192 * StackGuardMultiplier} (1 without the race detector). */
    static final long G0_BUDGET = 8192;

    /**
     * The running VM's stack flags: zone sizes in {@link #HOTSPOT_ZONE_UNIT}s and the thread stack size
     * in KiB ({@code -Xss}). {@link #DEFAULTS} are HotSpot's x86_64 defaults.
     */
    record VmStackFlags(long redPages, long yellowPages, long reservedPages, long shadowPages, long threadStackKiB) {
        static final VmStackFlags DEFAULTS = new VmStackFlags(1, 2, 1, 20, 1024);

        static VmStackFlags current() {
            return new VmStackFlags(flag("StackRedPages", DEFAULTS.redPages), flag("StackYellowPages", DEFAULTS.yellowPages),
                    flag("StackReservedPages", DEFAULTS.reservedPages), flag("StackShadowPages", DEFAULTS.shadowPages),
                    flag("ThreadStackSize", DEFAULTS.threadStackKiB));
        }
    }

    static StackChoice choose(ThreadBackend backend) {
        return choose(backend.supportsRuntimeAllocatedStacks(), System.getProperty("os.name", ""), pageSize(backend),
                VmStackFlags.current());
    }

    static StackChoice choose(boolean backendCanUseRuntimeStacks, String osName, long pageSize, VmStackFlags flags) {
        if (!backendCanUseRuntimeStacks || osAllocatesThreadStacks(osName)) {
            return new StackChoice(StackChoice.Kind.OS_PROVIDED, 0);
        }
        return new StackChoice(StackChoice.Kind.RUNTIME_ALLOCATED, runtimeStackSize(pageSize, flags));
    }

    /** The backend's page size if it reports a plausible one (a power of two), else {@link #FALLBACK_PAGE}. */
    static long pageSize(ThreadBackend backend) {
        long page = backend.pageSize();
        return page > 0 && Long.bitCount(page) == 1 ? page : FALLBACK_PAGE;
    }

    /** The platforms where Go's {@code allocm} uses {@code malg(-1)}. */
    static boolean osAllocatesThreadStacks(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        return os.startsWith("mac") || os.startsWith("darwin") || os.startsWith("windows")
                || os.startsWith("sunos") || os.startsWith("solaris") || os.startsWith("illumos");
    }

    /** The size of a runtime-allocated M stack for a VM with these flags on pages of {@code page} bytes. */
    static long runtimeStackSize(long page, VmStackFlags flags) {
        long vmReserve = zone(flags.redPages(), page) + zone(flags.yellowPages(), page)
                + zone(flags.reservedPages(), page) + zone(flags.shadowPages(), page);
        long goroutineBudget = flags.threadStackKiB() * 1024;
        return roundUp(vmReserve + G0_BUDGET + goroutineBudget, page);
    }

    /** One of HotSpot's zones: {@code units} of 4 KiB, rounded up to the page size. */
    private static long zone(long units, long page) {
        return roundUp(units * HOTSPOT_ZONE_UNIT, page);
    }

    private static long roundUp(long n, long page) {
        return (n + page - 1) / page * page;
    }

    private static long flag(String name, long fallback) {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return Long.parseLong(bean.getVMOption(name).getValue());
        } catch (RuntimeException | LinkageError e) {
            return fallback;
        }
    }
}
