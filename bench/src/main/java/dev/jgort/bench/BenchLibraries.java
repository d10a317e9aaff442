package dev.jgort.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Builds the benchmarks' small C libraries (resources of the benchmark jar) with gcc at setup. */
final class BenchLibraries {
    private BenchLibraries() {}

    /**
     * Compiles the resource {@code /<name>.c} into a shared library in a temporary directory, with the
     * running JDK's JNI headers on the include path, and returns its path.
     *
     * @throws IllegalStateException if gcc is missing or fails (the message says what it printed)
     */
    static Path build(String name) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("jgort-bench-" + name);
        Path src = dir.resolve(name + ".c"), lib = dir.resolve(System.mapLibraryName(name));
        try (InputStream in = BenchLibraries.class.getResourceAsStream("/" + name + ".c")) {
            if (in == null) throw new IllegalStateException(name + ".c is missing from the benchmark jar");
            Files.copy(in, src);
        }
        Path include = Path.of(System.getProperty("java.home"), "include");
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("mac") ? "darwin" : "linux";
        Process gcc = new ProcessBuilder("gcc", "-O2", "-shared", "-fPIC", "-pthread", "-I" + include,
                "-I" + include.resolve(os), "-o", lib.toString(), src.toString()).redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes());
        if (gcc.waitFor() != 0) throw new IllegalStateException("building " + name + ".c needs gcc: " + out);
        return lib;
    }
}
