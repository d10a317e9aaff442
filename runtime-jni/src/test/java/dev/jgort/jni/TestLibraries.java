package dev.jgort.jni;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.jgort.core.api.GoTestSupport.BOUND;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Builds the tests' own small C libraries (test resources) with gcc. */
final class TestLibraries {
    private TestLibraries() {}

    /**
     * Compiles the test resource {@code /<name>.c} into a shared library in a temporary directory, with
     * the running JDK's JNI headers on the include path, and returns the library's path.
     */
    static Path build(String name) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("jgort-" + name);
        Path src = dir.resolve(name + ".c"), lib = dir.resolve(System.mapLibraryName(name));
        try (InputStream in = TestLibraries.class.getResourceAsStream("/" + name + ".c")) {
            assertNotNull(in, name + ".c is a test resource");
            Files.copy(in, src);
        }
        Path include = Path.of(System.getProperty("java.home"), "include");
        String os = NativeLibrary.normalizeOs(System.getProperty("os.name", "")); // the JDK's include/<os> folder
        List<String> cmd = new ArrayList<>(List.of("gcc", "-O2", "-shared", "-fPIC", "-pthread",
                "-I" + include, "-I" + include.resolve(os.equals("osx") ? "darwin" : os)));
        cmd.addAll(List.of("-o", lib.toString(), src.toString()));
        Process gcc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes());
        assertTrue(gcc.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS) && gcc.exitValue() == 0, "gcc failed: " + out);
        return lib;
    }
}
