package dev.jgort.core;

import dev.jgort.api.GoRuntime;

import java.lang.StackWalker.StackFrame;
import java.net.URL;
import java.security.CodeSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where goroutines were created (Go's {@code g.gopc}, the program counter of the {@code go}
 * statement, which Go's dump prints as {@code created by main.worker in goroutine 1} plus its file and
 * line), recorded only with {@code RuntimeConfig.withCreationSites(true)}: Go's is one word stored by
 * {@code newproc}; here it takes a stack walk (a few microseconds), so a runtime without the setting
 * has no {@code CreationSites} at all and pays nothing.
 *
 * <p>The site is the first frame of the creating thread's stack that is neither the JDK's nor jgort's
 * own (runtime-core's and runtime-api's classes, told apart by where they were loaded from, so the
 * project's tests in the same packages count as user code): the caller of {@code go}, of the thread
 * factory's {@code newThread}, of {@code Thread.start} or an executor's {@code submit}.
 *
 * <p>Kept beside the Gs, not in them (a million goroutines are a million Gs, and most programs never
 * ask): written by the creating thread before the G can run, removed by {@code goexit0}, read by the
 * goroutine dump and the tracer from any thread.
 */
final class CreationSites {
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final URL CORE = location(CreationSites.class), API = location(GoRuntime.class);

    /** Whether a class is the JDK's or jgort's own: its frames are not a creation site. */
    private static final ClassValue<Boolean> RUNTIME = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> c) {
            ClassLoader l = c.getClassLoader();
            if (l == null || l == ClassLoader.getPlatformClassLoader()) return true;
            URL at = location(c);
            return at != null && (at.equals(CORE) || at.equals(API));
        }
    };

    private final ConcurrentHashMap<G, StackTraceElement> sites = new ConcurrentHashMap<>();

    private static URL location(Class<?> c) {
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        return cs != null ? cs.getLocation() : null;
    }

    /** The calling thread's creation site for a goroutine it starts now, or null if all its frames are the runtime's. */
    static StackTraceElement callerSite() {
        return WALKER.walk(frames -> frames.filter(f -> !RUNTIME.get(f.getDeclaringClass()))
                .findFirst().map(StackFrame::toStackTraceElement).orElse(null));
    }

    /** The creating thread, before {@code gp} can run: records its site. */
    void record(G gp) {
        StackTraceElement site = callerSite();
        if (site != null) sites.put(gp, site);
    }

    /** {@code gp}'s creation site, or null if unknown. */
    StackTraceElement of(G gp) {
        return sites.get(gp);
    }

    /** {@code goexit0}: {@code gp} ended. */
    void remove(G gp) {
        sites.remove(gp);
    }
}
