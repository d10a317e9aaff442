package dev.jgort.spi;

/**
 * The stack an M runs on, as Go's {@code allocm} chooses it: OS/pthread-provided ({@code malg(-1)})
 * where the platform allocates thread stacks (macOS, Windows, Solaris, illumos) or under cgo, and
 * runtime-allocated fixed stacks elsewhere.
 *
 * @param kind who provides the stack
 * @param size bytes: the size asked for a runtime-allocated stack; for an OS-provided one a size
 *             hint, 0 for the platform default
 */
public record StackChoice(Kind kind, long size) {
    public enum Kind {
        /** The OS / the JVM makes the stack ({@code malg(-1)}). */
        OS_PROVIDED,
        /** The runtime maps the stack itself and hands it to the thread ({@code malg(8192 * StackGuardMultiplier)}). */
        RUNTIME_ALLOCATED
    }

    public StackChoice {
        if (kind == null) throw new NullPointerException("kind");
        if (size < 0) throw new IllegalArgumentException("stack size " + size + " < 0");
    }

    @Override
    public String toString() {
        return kind == Kind.OS_PROVIDED
                ? "os-provided" + (size == 0 ? "" : " (" + (size >> 10) + " KiB hint)")
                : "runtime-allocated " + (size >> 10) + " KiB";
    }
}
