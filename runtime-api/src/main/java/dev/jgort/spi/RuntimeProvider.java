package dev.jgort.spi;

import dev.jgort.api.GoRuntime;
import dev.jgort.api.RuntimeConfig;

import java.util.Iterator;
import java.util.ServiceLoader;

/**
 * The scheduler implementation behind {@link GoRuntime} and {@link dev.jgort.api.Go}, found with
 * {@link ServiceLoader} ({@code META-INF/services/dev.jgort.spi.RuntimeProvider}).
 */
public interface RuntimeProvider {

    /** Starts a runtime. */
    GoRuntime start(RuntimeConfig config);

    /** The calling goroutine, or {@code null} if the caller is not a goroutine of any runtime. */
    CurrentGoroutine current();

    /**
     * The callback entry points of {@code rt} (runtime-jni's {@code NativeCallbacks} takes them), or
     * {@code null} if {@code rt} is not one of this provider's runtimes or takes no callbacks. A runtime
     * does not implement {@link ExtraMs} itself, so that a cast of a {@link GoRuntime} does not reach
     * {@link ExtraMs#dropm()}; see {@link ExtraMs} for what the module system enforces on top.
     */
    default ExtraMs extraMs(GoRuntime rt) {
        return null;
    }

    /**
     * The provider on the class path (or, on the module path, the module that provides it: {@code dev.jgort.core}).
     *
     * @throws IllegalStateException if there is none
     */
    static RuntimeProvider get() {
        RuntimeProvider p = Holder.PROVIDER;
        if (p == null) {
            throw new IllegalStateException("no jgort runtime on the class path or module path: add the artifact "
                    + "dev.jgort:runtime-core next to dev.jgort:runtime-api");
        }
        return p;
    }

    /** The provider, or {@code null} if there is none (channels work without one). */
    static RuntimeProvider find() {
        return Holder.PROVIDER;
    }

    /** Lazily loads the provider once (class initialization is the lock). */
    final class Holder {
        private Holder() {}

        static final RuntimeProvider PROVIDER = load();

        private static RuntimeProvider load() {
            Iterator<RuntimeProvider> it = ServiceLoader.load(RuntimeProvider.class, RuntimeProvider.class.getClassLoader())
                    .iterator();
            return it.hasNext() ? it.next() : null;
        }
    }
}
