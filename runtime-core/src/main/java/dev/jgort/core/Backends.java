package dev.jgort.core;

import dev.jgort.spi.ThreadBackend;

import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Picks the {@link ThreadBackend} that {@code RuntimeConfig.withBackend} names, among the backends
 * {@link ServiceLoader} finds and the built-in Java one. Core names no artifact: a backend that is
 * absent is reported as not found through {@code META-INF/services/dev.jgort.spi.ThreadBackend}, and
 * the native backend's own documentation (README, "Native backend") says what to add per platform; a
 * backend that is present but cannot run here says why itself ({@link ThreadBackend#unavailableReason},
 * with its {@link ThreadBackend#unavailableCause} as the cause of the error).
 */
final class Backends {
    private Backends() {}

    static ThreadBackend select(String wanted) {
        return select(wanted, ServiceLoader.load(ThreadBackend.class, Backends.class.getClassLoader()));
    }

    /** {@link #select(String)} among {@code provided} (what ServiceLoader found; the first of a name wins). */
    static ThreadBackend select(String wanted, Iterable<ThreadBackend> provided) {
        Map<String, ThreadBackend> found = new LinkedHashMap<>();
        for (ThreadBackend b : provided) {
            found.putIfAbsent(b.name(), b);
        }
        found.putIfAbsent("java", new JavaThreadBackend());
        ThreadBackend nativeBackend = found.get("native");
        String why = nativeBackend == null
                ? "no backend named \"native\" was found through ServiceLoader (META-INF/services/"
                        + ThreadBackend.class.getName() + " on the class path or module path; backends found: "
                        + found.keySet() + "): put the native backend's jars on it"
                        + " (jgort's README, \"Native backend\", names them per platform)"
                : nativeBackend.unavailableReason();
        return switch (wanted) {
            case "java" -> found.get("java");
            case "native" -> {
                if (why != null) {
                    throw new IllegalStateException("backend \"native\" is not available here: " + why
                            + "; use RuntimeConfig.withBackend(\"java\") or \"auto\"",
                            nativeBackend == null ? null : nativeBackend.unavailableCause());
                }
                yield nativeBackend;
            }
            default -> {
                if (why == null) yield nativeBackend;
                if (nativeBackend != null) {
                    System.getLogger("dev.jgort").log(Level.INFO, "jgort: native backend unavailable ("
                            + why + "); using the java backend");
                }
                yield found.get("java");
            }
        };
    }
}
