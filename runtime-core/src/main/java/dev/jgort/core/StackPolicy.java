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
 * red, yellow, reserved and shadow pages) + Go's g0 budget + the goroutine budget (the JVM's thread
 * stack size), rounded up to pages.
 */
final class StackPolicy {
    private StackPolicy() {}

    static final long PAGE = 4096;
    /** Go's {@code 8192 * StackGuardMultiplier} (1 without the race detector). */
    static final long G0_BUDGET = 8192;

    static StackChoice choose(ThreadBackend backend) {
        return choose(backend.supportsRuntimeAllocatedStacks(), System.getProperty("os.name", ""));
    }

    static StackChoice choose(boolean backendCanUseRuntimeStacks, String osName) {
        if (!backendCanUseRuntimeStacks || osAllocatesThreadStacks(osName)) {
            return new StackChoice(StackChoice.Kind.OS_PROVIDED, 0);
        }
        return new StackChoice(StackChoice.Kind.RUNTIME_ALLOCATED, runtimeStackSize());
    }

    /** The platforms where Go's {@code allocm} uses {@code malg(-1)}. */
    static boolean osAllocatesThreadStacks(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        return os.startsWith("mac") || os.startsWith("darwin") || os.startsWith("windows")
                || os.startsWith("sunos") || os.startsWith("solaris") || os.startsWith("illumos");
    }

    /** The size of a runtime-allocated M stack for the running VM. */
    static long runtimeStackSize() {
        long vmPages = flag("StackRedPages", 1) + flag("StackYellowPages", 2) + flag("StackReservedPages", 1)
                + flag("StackShadowPages", 20);
        long goroutineBudget = flag("ThreadStackSize", 1024) * 1024;
        long size = vmPages * PAGE + G0_BUDGET + goroutineBudget;
        return (size + PAGE - 1) / PAGE * PAGE;
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
