package dev.jgort.jni;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Properties;

/**
 * Loads libjgort as Netty's {@code NativeLibraryLoader} loads its transports. The library ships in a
 * jar of its own per platform, {@code dev.jgort:runtime-jni:<version>:jar:<classifier>} (or all of them
 * in {@code :all-platforms}), as the resource {@code native/<classifier>/<System.mapLibraryName("jgort")>},
 * where the classifier is the platform's normalised name ({@link #classifier}: {@code linux-x86_64},
 * {@code osx-aarch_64}, ...; os-maven-plugin's names, which Netty's classifiers use too).
 *
 * <p>The resource is found through this class's class loader, which searches the class path and every
 * module it defined: {@code native/linux-x86_64} is no package, so a classifier jar on the module path
 * (an automatic module, {@code dev.jgort.jni.linux.x86_64}) does not encapsulate it. A plain file (a
 * build's folder) is loaded where it is; from a jar it is first extracted to a file of a unique name
 * ({@link Files#createTempFile}), in {@code -Djgort.native.workdir=<dir>} if set (Netty's
 * {@code io.netty.native.workdir}), else in the temporary directory, so that JVMs starting at once never
 * share or overwrite each other's copy. Outside Windows the copy is deleted as soon as it is loaded (the
 * mapping stays; nothing is left behind if the JVM dies), as Netty does; Windows cannot delete a loaded
 * DLL, so it goes at exit. Loading runs {@code JNI_OnLoad}, which registers the natives of
 * {@link NativeThreads}.
 */
final class NativeLibrary {
    private NativeLibrary() {}

    /** Where a jar's library is extracted to instead of the temporary directory. */
    static final String WORKDIR_PROPERTY = "jgort.native.workdir";

    /** The flag that lets this code load libraries: this module's name on the module path, else ALL-UNNAMED. */
    static final String ENABLE_NATIVE_ACCESS = "--enable-native-access="
            + (NativeLibrary.class.getModule().isNamed() ? NativeLibrary.class.getModule().getName() : "ALL-UNNAMED");

    /** This platform's classifier, e.g. {@code linux-x86_64}. */
    static final String CLASSIFIER = classifier(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    static final String FILE_NAME = System.mapLibraryName("jgort");
    static final String RESOURCE = "native/" + CLASSIFIER + "/" + FILE_NAME;

    private static final Failure FAILURE = load();

    /** Null once the library is loaded; otherwise why it is not, and what to do (shown to the user). */
    static final String LOAD_ERROR = FAILURE == null ? null : FAILURE.message();

    /** The original error when loading failed on one (an I/O error, {@link UnsatisfiedLinkError}, ...), else null. */
    static final Throwable LOAD_CAUSE = FAILURE == null ? null : FAILURE.cause();

    private record Failure(String message, Throwable cause) {}

    /** {@code <os>-<arch>}, both normalised: the classifier of the artifact built for that platform. */
    static String classifier(String osName, String osArch) {
        return normalizeOs(osName) + "-" + normalizeArch(osArch);
    }

    /**
     * {@code os.name} normalised as os-maven-plugin (and so Netty) does: {@code linux}, {@code osx},
     * {@code windows}, {@code freebsd}, ...; anything else lower-cased with all but letters and digits
     * removed ({@code unknown} if nothing is left).
     */
    static String normalizeOs(String osName) {
        String n = sanitize(osName);
        if (n.startsWith("linux")) return "linux";
        if (n.startsWith("macosx") || n.startsWith("osx") || n.startsWith("darwin")) return "osx";
        if (n.startsWith("windows")) return "windows";
        if (n.startsWith("freebsd")) return "freebsd";
        if (n.startsWith("openbsd")) return "openbsd";
        if (n.startsWith("netbsd")) return "netbsd";
        if (n.startsWith("solaris") || n.startsWith("sunos")) return "sunos";
        if (n.startsWith("aix")) return "aix";
        return n.isEmpty() ? "unknown" : n;
    }

    /**
     * {@code os.arch} normalised as os-maven-plugin does: {@code amd64}/{@code x86_64} → {@code x86_64},
     * {@code aarch64}/{@code arm64} → {@code aarch_64}, ...; anything else lower-cased with all but
     * letters and digits removed ({@code unknown} if nothing is left).
     */
    static String normalizeArch(String osArch) {
        String a = sanitize(osArch);
        return switch (a) {
            case "x8664", "amd64", "ia32e", "em64t", "x64" -> "x86_64";
            case "x8632", "x86", "i386", "i486", "i586", "i686", "ia32", "x32" -> "x86_32";
            case "aarch64", "arm64" -> "aarch_64";
            case "arm", "arm32" -> "arm_32";
            case "ppc64le" -> "ppcle_64";
            case "ppc64" -> "ppc_64";
            case "s390x" -> "s390_64";
            case "riscv64" -> "riscv64";
            case "loongarch64" -> "loongarch_64";
            case "" -> "unknown";
            default -> a;
        };
    }

    private static String sanitize(String value) {
        return value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "");
    }

    /** The artifact that carries this platform's library, e.g. {@code dev.jgort:runtime-jni:0.1.0:jar:linux-x86_64}. */
    static String artifact(String classifier) {
        return "dev.jgort:runtime-jni:" + version() + ":jar:" + classifier;
    }

    /** runtime-jni's version, from the resource the build writes beside this class. */
    private static String version() {
        try (InputStream in = NativeLibrary.class.getResourceAsStream("runtime-jni.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "<version>");
            }
        } catch (IOException | IllegalArgumentException e) {
            // only the message suffers: it names "<version>"
        }
        return "<version>";
    }

    /**
     * What to do when the resource is missing. On the module path a classifier jar is an automatic module
     * that nothing requires, so it is resolved only if named ({@code --add-modules}), as with Netty's.
     */
    static String missingMessage(boolean modulePath) {
        String add = "add " + artifact(CLASSIFIER) + " (or " + artifact("all-platforms") + ")";
        return modulePath
                ? "no libjgort for " + CLASSIFIER + " in the modules of the boot layer (resource " + RESOURCE
                        + " not found): " + add + " to the module path and resolve it with --add-modules "
                        + nativeModule(CLASSIFIER) + " (or dev.jgort.jni.all)"
                : "no libjgort for " + CLASSIFIER + " on the class path (resource " + RESOURCE + " not found): " + add;
    }

    /** The automatic module name of a classifier jar: {@code dev.jgort.jni.linux.x86_64} for {@code linux-x86_64}. */
    static String nativeModule(String classifier) {
        return "dev.jgort.jni." + classifier.replace('-', '.');
    }

    @SuppressWarnings("restricted") // System.load: the JVM runs with --enable-native-access (see the error below)
    private static Failure load() {
        ClassLoader loader = NativeLibrary.class.getClassLoader();
        URL url = loader == null ? ClassLoader.getSystemResource(RESOURCE) : loader.getResource(RESOURCE);
        if (url == null) {
            return new Failure(missingMessage(NativeLibrary.class.getModule().isNamed()), null);
        }
        Path file;
        boolean extracted = !"file".equals(url.getProtocol());
        try {
            file = extracted ? extract(url) : Path.of(url.toURI());
        } catch (IOException | URISyntaxException | IllegalArgumentException | SecurityException e) {
            String where = System.getProperty(WORKDIR_PROPERTY);
            return new Failure("cannot extract libjgort for " + CLASSIFIER + " from " + url + " into "
                    + (where != null ? where + " (-D" + WORKDIR_PROPERTY + ")" : "the temporary directory (set -D"
                    + WORKDIR_PROPERTY + "=<dir> to choose another)") + ": " + e, e);
        }
        try {
            System.load(file.toString());
            return null;
        } catch (UnsatisfiedLinkError | SecurityException | IllegalCallerException e) {
            return new Failure("cannot load libjgort for " + CLASSIFIER + " from " + url
                    + (extracted ? " (extracted to " + file + ")" : "") + ": " + e
                    + (e instanceof IllegalCallerException ? " (run the JVM with " + ENABLE_NATIVE_ACCESS + ")" : ""), e);
        } finally {
            if (extracted) discard(file);
        }
    }

    /** Copies the library to a file of its own: a unique name, in the work directory if one is set. */
    private static Path extract(URL url) throws IOException {
        int dot = FILE_NAME.lastIndexOf('.');
        String prefix = (dot > 0 ? FILE_NAME.substring(0, dot) : FILE_NAME) + "-";
        String suffix = dot > 0 ? FILE_NAME.substring(dot) : "";
        String dir = System.getProperty(WORKDIR_PROPERTY);
        Path file = dir == null || dir.isBlank()
                ? Files.createTempFile(prefix, suffix)
                : Files.createTempFile(Files.createDirectories(Path.of(dir)), prefix, suffix);
        try (InputStream in = url.openStream()) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            discard(file);
            throw e;
        }
        return file;
    }

    /** Removes an extracted copy once it is loaded or failed to load (Windows: at exit, a loaded DLL stays locked). */
    private static void discard(Path file) {
        if (CLASSIFIER.startsWith("windows-")) {
            file.toFile().deleteOnExit();
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException | SecurityException e) {
            file.toFile().deleteOnExit();
        }
    }
}
