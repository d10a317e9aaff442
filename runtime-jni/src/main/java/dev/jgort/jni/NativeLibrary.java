package dev.jgort.jni;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads libjgort, which ships in runtime-jni's jar as {@code native/<os>-<arch>/<library file>}:
 * straight from the class path when that is a plain file (a build's classes folder), else extracted
 * to a temporary file first (inside a jar). Loading runs {@code JNI_OnLoad}, which registers the
 * natives of {@link NativeThreads}.
 */
final class NativeLibrary {
    private NativeLibrary() {}

    /** {@code linux}, {@code mac}, {@code windows}, or the lower-cased OS name. */
    static final String OS = os(System.getProperty("os.name", ""));
    static final String ARCH = System.getProperty("os.arch", "");
    static final String RESOURCE = "native/" + OS + "-" + ARCH + "/" + System.mapLibraryName("jgort");

    /** Null once the library is loaded; otherwise why it is not (shown to the user). */
    static final String LOAD_ERROR = load();

    static String os(String osName) {
        String n = osName.toLowerCase(Locale.ROOT);
        if (n.startsWith("linux")) return "linux";
        if (n.startsWith("mac") || n.startsWith("darwin")) return "mac";
        if (n.startsWith("windows")) return "windows";
        return n.replace(' ', '_');
    }

    @SuppressWarnings("restricted") // System.load: the JVM runs with --enable-native-access (see the error below)
    private static String load() {
        URL url = NativeLibrary.class.getClassLoader().getResource(RESOURCE);
        if (url == null) {
            return "runtime-jni has no native library for " + OS + "-" + ARCH + " (" + RESOURCE
                    + " is missing; it is built with the native-src module on that platform)";
        }
        try {
            Path file;
            if ("file".equals(url.getProtocol())) {
                file = Path.of(url.toURI());
            } else {
                file = Files.createTempFile("jgort-", "-" + System.mapLibraryName("jgort"));
                file.toFile().deleteOnExit();
                try (InputStream in = url.openStream()) {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            System.load(file.toString());
            return null;
        } catch (IOException | URISyntaxException | UnsatisfiedLinkError | SecurityException | IllegalCallerException e) {
            return "cannot load " + url + ": " + e
                    + (e instanceof IllegalCallerException ? " (run the JVM with --enable-native-access=ALL-UNNAMED)" : "");
        }
    }
}
