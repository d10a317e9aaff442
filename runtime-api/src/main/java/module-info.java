/**
 * jgort's API: goroutines and Go's {@code runtime} calls ({@code dev.jgort.api}), channels and
 * {@code select} ({@code dev.jgort.chan}), cgo-style downcalls ({@code dev.jgort.ffi}).
 *
 * <p>{@code dev.jgort.spi} is the contract between this module and the runtime's implementation
 * (the scheduler, its thread backends, the native-call watch, callbacks from native threads): it is
 * exported only to runtime-core and runtime-jni, so on the module path user code can neither name nor
 * reflect on it (on the class path every package is visible to everyone; nothing there enforces this).
 * The implementation is found with {@link java.util.ServiceLoader}: on the module path, resolving this
 * module binds {@code dev.jgort.core} by its {@code provides} without anyone requiring it.
 */
// The qualified export names modules compiled after this one: javac's "module not found" lint for
// them is expected and says nothing here.
@SuppressWarnings("module")
module dev.jgort.api {
    exports dev.jgort.api;
    exports dev.jgort.chan;
    exports dev.jgort.ffi;
    exports dev.jgort.spi to dev.jgort.core, dev.jgort.jni;

    // RuntimeProvider.get() (behind GoRuntime.start, Go, Cgo)
    uses dev.jgort.spi.RuntimeProvider;
}
