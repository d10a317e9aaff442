package dev.jgort.core;

import dev.jgort.spi.ThreadBackend;

import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/** Picks the {@link ThreadBackend} that {@code RuntimeConfig.withBackend} names. */
final class Backends {
    private Backends() {}

    static ThreadBackend select(String wanted) {
        Map<String, ThreadBackend> found = new LinkedHashMap<>();
        for (ThreadBackend b : ServiceLoader.load(ThreadBackend.class, Backends.class.getClassLoader())) {
            found.putIfAbsent(b.name(), b);
        }
        found.putIfAbsent("java", new JavaThreadBackend());
        ThreadBackend nativeBackend = found.get("native");
        String why = nativeBackend == null
                ? "the runtime-jni module (dev.jgort:runtime-jni) is not on the class path"
                : nativeBackend.unavailableReason();
        return switch (wanted) {
            case "java" -> found.get("java");
            case "native" -> {
                if (why != null) {
                    throw new IllegalStateException("backend \"native\" is not available here: " + why
                            + "; use RuntimeConfig.withBackend(\"java\") or \"auto\"");
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
