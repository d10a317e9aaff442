package dev.jgort.jni;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loader's platform names (os-maven-plugin's and Netty's), and where it looks for libjgort. */
class NativeLibraryTest {

    @Test
    void theSixBuiltClassifiers() {
        assertEquals("linux-x86_64", NativeLibrary.classifier("Linux", "amd64"));
        assertEquals("linux-aarch_64", NativeLibrary.classifier("Linux", "aarch64"));
        assertEquals("osx-x86_64", NativeLibrary.classifier("Mac OS X", "x86_64"));
        assertEquals("osx-aarch_64", NativeLibrary.classifier("Mac OS X", "aarch64"));
        assertEquals("windows-x86_64", NativeLibrary.classifier("Windows 11", "amd64"));
        assertEquals("windows-aarch_64", NativeLibrary.classifier("Windows Server 2022", "aarch64"));
    }

    @Test
    void rawArchNamesMapAsOsMavenPluginMapsThem() {
        for (String x64 : new String[] {"amd64", "x86_64", "X86-64", "x64", "em64t", "ia32e"}) {
            assertEquals("x86_64", NativeLibrary.normalizeArch(x64), x64);
        }
        for (String arm64 : new String[] {"aarch64", "arm64", "AArch64"}) {
            assertEquals("aarch_64", NativeLibrary.normalizeArch(arm64), arm64);
        }
        assertEquals("x86_32", NativeLibrary.normalizeArch("i686"));
        assertEquals("ppcle_64", NativeLibrary.normalizeArch("ppc64le"));
        assertEquals("s390_64", NativeLibrary.normalizeArch("s390x"));
        assertEquals("riscv64", NativeLibrary.normalizeArch("riscv64"));
    }

    @Test
    void osNamesMapAsOsMavenPluginMapsThem() {
        assertEquals("linux", NativeLibrary.normalizeOs("Linux"));
        assertEquals("osx", NativeLibrary.normalizeOs("Mac OS X"));
        assertEquals("osx", NativeLibrary.normalizeOs("Darwin"));
        assertEquals("windows", NativeLibrary.normalizeOs("Windows 10"));
        assertEquals("freebsd", NativeLibrary.normalizeOs("FreeBSD"));
        assertEquals("sunos", NativeLibrary.normalizeOs("SunOS"));
    }

    @Test
    void unknownNamesAreKeptLowerCasedAndSanitised() {
        assertEquals("haiku-mips64el", NativeLibrary.classifier("Haiku", "MIPS64el"));
        assertEquals("plan9-sparcv9", NativeLibrary.classifier("Plan 9", "sparc/v9"));
        assertEquals("unknown-unknown", NativeLibrary.classifier("", "--"));
    }

    /** Here (the reactor build or a jar): this platform's classifier, the library under it, and it loaded. */
    @Test
    void theResourceIsNativeClassifierMappedLibraryName() {
        assertEquals("native/" + NativeLibrary.CLASSIFIER + "/" + System.mapLibraryName("jgort"), NativeLibrary.RESOURCE);
        assertNull(NativeLibrary.LOAD_ERROR);
        assertNull(NativeLibrary.LOAD_CAUSE);
        assertTrue(NativeLibrary.artifact("linux-aarch_64").matches("dev\\.jgort:runtime-jni:\\d[^:]*:jar:linux-aarch_64"),
                "the build writes the version the message names: " + NativeLibrary.artifact("linux-aarch_64"));
    }

    /** The message names the artifact, and on the module path also the --add-modules that resolves it. */
    @Test
    void aMissingLibraryNamesTheArtifactAndOnTheModulePathTheModuleToAdd() {
        String cp = NativeLibrary.missingMessage(false);
        assertTrue(cp.contains("dev.jgort:runtime-jni:") && cp.contains(":jar:" + NativeLibrary.CLASSIFIER)
                && cp.contains("on the class path") && !cp.contains("--add-modules"), cp);
        String mp = NativeLibrary.missingMessage(true);
        assertTrue(mp.contains(":jar:" + NativeLibrary.CLASSIFIER)
                && mp.contains("--add-modules " + NativeLibrary.nativeModule(NativeLibrary.CLASSIFIER)), mp);
        assertEquals("dev.jgort.jni.linux.x86_64", NativeLibrary.nativeModule("linux-x86_64"));
        assertEquals("dev.jgort.jni.osx.aarch_64", NativeLibrary.nativeModule("osx-aarch_64"));
    }
}
