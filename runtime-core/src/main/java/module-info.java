/**
 * jgort's scheduler: Go's G, M and P behind {@code dev.jgort.api.GoRuntime}. It exports nothing: it is
 * reached through the services it provides.
 *
 * <p>It reads the JDK's virtual-thread internals, which needs
 * {@code --add-opens java.base/java.lang=dev.jgort.core} on the module path
 * ({@code =ALL-UNNAMED} on the class path); {@code GoRuntime.start} names the right one when it is missing.
 */
module dev.jgort.core {
    requires dev.jgort.api;
    requires java.management; // Sysmon: the carriers' CPU time (ThreadMXBean)
    requires jdk.management;  // StackPolicy: the VM's stack flags (com.sun.management.HotSpotDiagnosticMXBean)
    requires jdk.jfr;         // JfrEvents
    requires jdk.httpserver;  // trace.TraceViewer serves its page on 127.0.0.1

    provides dev.jgort.spi.RuntimeProvider with dev.jgort.core.JgortProvider;
    provides dev.jgort.spi.ThreadBackend with dev.jgort.core.JavaThreadBackend;

    // Backends.select: the Ms' thread makers (runtime-jni's "native" beside the java one)
    uses dev.jgort.spi.ThreadBackend;
    // CarrierWatch.choose: the VM's thread state of a carrier (runtime-jni's HotSpot reader)
    uses dev.jgort.spi.CarrierStates;
}
