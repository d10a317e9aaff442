package dev.jgort.core.trace;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless, driven over the Chrome DevTools Protocol (a WebSocket to its page target):
 * enough for tests to load a page, read it with {@code Runtime.evaluate}, take screenshots and click.
 * Started with a fresh profile and the flags that keep it off the network (this machine has none);
 * {@link #close()} ends the browser and every process it started, and deletes the profile.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final String MISSING = "install chromium (apt-get install chromium) to run this test";

    /** The interval between two looks at a condition that is polled until a deadline. */
    private static final long POLL_MS = 25;
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on ws://127\\.0\\.0\\.1:(\\d+)/");

    private final Process process;
    private final Path profile;
    private final List<String> stderr = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private WebSocket socket;

    private HeadlessChromium(Process process, Path profile) {
        this.process = process;
        this.profile = profile;
    }

    /** Starts the browser with a new profile under {@code dir} and connects to its blank page. */
    static HeadlessChromium start(Path dir, Duration timeout) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(dir, "chromium-profile");
        Process p = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        HeadlessChromium c = new HeadlessChromium(p, profile);
        try {
            c.connect(timeout);
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void connect(Duration timeout) throws IOException, InterruptedException {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (stderr) {
                        stderr.add(line);
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) port.complete(Integer.parseInt(m.group(1)));
                }
            } catch (IOException e) {
                // the browser went away; its exit is reported below
            }
            port.completeExceptionally(new IOException("chromium exited before listening: " + stderr()));
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        int devtools = await(port, deadline, "the DevTools listening line");
        // the page target of about:blank: poll the target list until it is there
        String ws = null;
        while (ws == null) {
            HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + devtools + "/json/list"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            for (Object t : (List<?>) JsonParser.parse(list.body())) {
                Map<?, ?> target = (Map<?, ?>) t;
                if ("page".equals(target.get("type"))) ws = (String) target.get("webSocketDebuggerUrl");
            }
            if (ws == null) {
                if (System.nanoTime() > deadline) throw new IOException("no page target in " + list.body());
                Thread.sleep(POLL_MS);
            }
        }
        StringBuilder message = new StringBuilder();
        socket = await(http.newWebSocketBuilder().buildAsync(URI.create(ws), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    received(message.toString());
                    message.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        }), deadline, "the DevTools WebSocket");
    }

    private void received(String text) {
        Map<?, ?> m = (Map<?, ?>) JsonParser.parse(text);
        if (!(m.get("id") instanceof Long id)) return; // an event: none is needed
        CompletableFuture<Map<String, Object>> f = pending.remove(id.intValue());
        if (f == null) return;
        if (m.get("error") != null) f.completeExceptionally(new IOException("DevTools error: " + m.get("error")));
        else {
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) m.get("result");
            f.complete(result);
        }
    }

    /** Sends a DevTools command with its params (a JSON object) and returns its result. */
    Map<String, Object> send(String method, String params) throws IOException, InterruptedException {
        int id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
        pending.put(id, f);
        socket.sendText("{\"id\":" + id + ",\"method\":" + JsonParser.quote(method) + ",\"params\":" + params + "}", true);
        return await(f, System.nanoTime() + TimeUnit.SECONDS.toNanos(60), method);
    }

    /** The value of a JavaScript expression in the page (it must be JSON-serializable). */
    Object evaluate(String expression) throws IOException, InterruptedException {
        Map<String, Object> r = send("Runtime.evaluate", "{\"expression\":" + JsonParser.quote(expression)
                + ",\"returnByValue\":true}");
        if (r.get("exceptionDetails") != null) throw new IOException("the page threw: " + r.get("exceptionDetails"));
        return ((Map<?, ?>) r.get("result")).get("value");
    }

    /** Evaluates {@code expression} until it is truthy, and returns that value; fails at the deadline. */
    Object poll(String expression, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Object v = evaluate(expression);
            if (v != null && !Boolean.FALSE.equals(v) && !"".equals(v)) return v;
            if (System.nanoTime() > deadline) throw new IOException("still false after " + timeout + ": " + expression);
            Thread.sleep(POLL_MS);
        }
    }

    /** A screenshot of the viewport. */
    BufferedImage screenshot() throws IOException, InterruptedException {
        String data = (String) send("Page.captureScreenshot", "{\"format\":\"png\"}").get("data");
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(data)));
    }

    /** A left click (press and release) at viewport coordinates. */
    void click(double x, double y) throws IOException, InterruptedException {
        for (String type : new String[] {"mousePressed", "mouseReleased"}) {
            send("Input.dispatchMouseEvent", String.format(Locale.ROOT,
                    "{\"type\":\"%s\",\"x\":%.1f,\"y\":%.1f,\"button\":\"left\",\"buttons\":1,\"clickCount\":1}", type, x, y));
        }
    }

    /** A mouse wheel turn at viewport coordinates (negative {@code deltaY}: towards the user, zooming in here). */
    void wheel(double x, double y, double deltaY) throws IOException, InterruptedException {
        send("Input.dispatchMouseEvent", String.format(Locale.ROOT,
                "{\"type\":\"mouseWheel\",\"x\":%.1f,\"y\":%.1f,\"deltaX\":0,\"deltaY\":%.1f}", x, y, deltaY));
    }

    String stderr() {
        synchronized (stderr) {
            return String.join("\n", stderr);
        }
    }

    private <T> T await(CompletableFuture<T> f, long deadline, String what) throws IOException, InterruptedException {
        try {
            return f.get(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IOException("timed out waiting for " + what + "; chromium said:\n" + stderr());
        } catch (ExecutionException e) {
            throw new IOException(what + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close() {
        if (socket != null) socket.abort();
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle h : children) {
            if (h.isAlive()) h.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        } catch (IOException e) {
            // a child still writing: the test's temporary directory goes anyway
        }
    }
}
