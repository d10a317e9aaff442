package app;

import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.RuntimeConfig;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A user's program: starts a runtime on the backend its second argument names ({@code java}, or
 * {@code native}: Ms made by libjgort from runtime-jni's classifier jar) and runs one goroutine. Its
 * first argument says how it was launched, which it checks: {@code class-path}, {@code module-path} or
 * {@code module-path-without-add-opens} (where starting must fail with a message naming
 * {@code --add-opens java.base/java.lang=dev.jgort.core}). It also
 * checks that jgort's jars come from the local repository the build installed them in
 * ({@code -Djgort.it.repository}), not from a build's classes folder. Any mismatch exits with 1.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length == 2 ? args[0] : "";
        String backend = args.length == 2 ? args[1] : "";
        boolean modulePath = switch (mode) {
            case "class-path" -> false;
            case "module-path", "module-path-without-add-opens" -> true;
            default -> throw fail("usage: app.Main class-path|module-path|module-path-without-add-opens java|native, not "
                    + String.join(" ", args));
        };
        check(backend.equals("java") || backend.equals("native"), "backend " + backend);
        Module api = GoRuntime.class.getModule();
        check(api.isNamed() == modulePath, "dev.jgort.api is " + (api.isNamed() ? "the named module " + api : "on the class path"));
        check(Main.class.getModule().isNamed() == modulePath, "the program's module is " + Main.class.getModule());
        checkInstalled(GoRuntime.class);
        if (modulePath) {
            check(api.getName().equals("dev.jgort.api"), "runtime-api's module is " + api.getName());
            // The SPI is for jgort's own modules only (a qualified export).
            check(!api.isExported("dev.jgort.spi", Main.class.getModule()), "dev.jgort.spi is exported to " + Main.class.getModule());
            check(api.isExported("dev.jgort.api"), "dev.jgort.api is not exported");
        }

        RuntimeConfig config = RuntimeConfig.defaults().withBackend(backend);
        if (mode.equals("module-path-without-add-opens")) {
            String flag = "--add-opens java.base/java.lang=dev.jgort.core";
            try (GoRuntime rt = GoRuntime.start(config)) {
                throw fail("started without " + flag + ": " + rt);
            } catch (IllegalStateException e) {
                check(e.getMessage().contains(flag), "the error does not name " + flag + ": " + e.getMessage());
                System.out.println("refused to start without --add-opens, naming " + flag + " (" + mode + ")");
            }
            return;
        }

        try (GoRuntime rt = GoRuntime.start(config)) {
            Module core = rt.getClass().getModule();
            check(core.isNamed() == modulePath, "runtime-core's module is " + core);
            if (modulePath) check("dev.jgort.core".equals(core.getName()), "runtime-core's module is " + core.getName());
            checkInstalled(rt.getClass());

            AtomicReference<String> ran = new AtomicReference<>();
            rt.go(() -> ran.set(Go.inGoroutine() && Thread.currentThread().isVirtual()
                    ? "goroutine ran on backend " + Go.runtime().config().backend() : "not a goroutine")).join();
            check(("goroutine ran on backend " + backend).equals(ran.get()), "the goroutine reported: " + ran.get());
            System.out.println(ran.get() + " (" + mode + ")");
        }
    }

    /** {@code c} was loaded from a jar under the build's local repository. */
    private static void checkInstalled(Class<?> c) throws URISyntaxException {
        String repo = System.getProperty("jgort.it.repository");
        check(repo != null, "-Djgort.it.repository is not set");
        Path from = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        check(from.startsWith(Path.of(repo)) && from.toString().endsWith(".jar"),
                c.getName() + " was loaded from " + from + ", not from a jar installed in " + repo);
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw fail(what);
    }

    private static RuntimeException fail(String what) {
        System.out.println("FAILED: " + what);
        System.out.flush();
        System.exit(1);
        return new IllegalStateException(what); // not reached
    }
}
