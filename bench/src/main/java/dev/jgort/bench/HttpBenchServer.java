package dev.jgort.bench;

import com.sun.net.httpserver.HttpServer;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.RuntimeConfig;
import dev.jgort.api.RuntimeStats;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The server side of {@code bench/http-bench.sh} (issue 13): one HTTP server on 127.0.0.1, its request
 * handlers run on jgort or on the JDK's default scheduler, until stdin closes. The script loads it
 * with {@code wrk}.
 *
 * <pre>java ... dev.jgort.bench.HttpBenchServer SERVER SCHEDULER HANDLER</pre>
 * <ul>
 *   <li>SERVER {@code jetty}: Jetty 12 with its default {@code QueuedThreadPool} (platform threads for
 *       the selectors and acceptor) handing each request to {@code setVirtualThreadsExecutor}'s
 *       executor; {@code jetty-vtp}: Jetty's {@code VirtualThreadPool}, every thread of Jetty's a
 *       virtual thread of that executor; {@code httpserver}: the JDK's
 *       {@code com.sun.net.httpserver.HttpServer} with that executor;</li>
 *   <li>SCHEDULER {@code jgort}: {@code rt.executor()} of a runtime with GOMAXPROCS 2; {@code jdk}:
 *       {@code Executors.newVirtualThreadPerTaskExecutor()} (parallelism 2, set by the script);</li>
 *   <li>HANDLER {@code cpu}: ~20 µs of arithmetic; {@code sleep}: {@code Thread.sleep(1)}. Both answer
 *       200 with a short text body.</li>
 * </ul>
 * Prints {@code port N} once it listens; when stdin closes it prints the JVM's peak platform threads
 * (and jgort's thread and retake counts) and exits.
 */
public final class HttpBenchServer {
    private HttpBenchServer() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: HttpBenchServer jetty|jetty-vtp|httpserver jgort|jdk cpu|sleep");
        }
        String server = args[0], scheduler = args[1];
        boolean sleep = switch (args[2]) {
            case "cpu" -> false;
            case "sleep" -> true;
            default -> throw new IllegalArgumentException("handler: cpu or sleep, not " + args[2]);
        };
        GoRuntime rt = switch (scheduler) {
            case "jgort" -> GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(2));
            case "jdk" -> null;
            default -> throw new IllegalArgumentException("scheduler: jgort or jdk, not " + scheduler);
        };
        ExecutorService executor = rt != null ? rt.executor() : Executors.newVirtualThreadPerTaskExecutor();
        AutoCloseable stop = switch (server) {
            case "jetty", "jetty-vtp" -> jetty(server.equals("jetty-vtp"), executor, sleep);
            case "httpserver" -> httpServer(executor, sleep);
            default -> throw new IllegalArgumentException("server: jetty, jetty-vtp or httpserver, not " + server);
        };
        System.in.transferTo(OutputStream.nullOutputStream()); // until the script closes our stdin
        StringBuilder report = new StringBuilder("peak platform threads " + ManagementFactory.getThreadMXBean().getPeakThreadCount());
        if (rt != null) {
            RuntimeStats s = rt.stats();
            report.append(", jgort Ms created ").append(s.threadsCreated()).append(", Ps retaken from syscalls ")
                    .append(s.syscallRetakes()).append(", from native calls ").append(s.nativeCallRetakes())
                    .append(", stolen in all ").append(s.stolenProcs());
        }
        System.out.println(report);
        stop.close();
        executor.shutdown();
        if (rt != null) rt.close();
    }

    /** ~20 µs of arithmetic the JIT cannot remove (its result goes into the response). */
    static long work() {
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < 20_000; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    private static byte[] body(boolean sleep) {
        if (sleep) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "slept\n".getBytes(StandardCharsets.US_ASCII);
        }
        return ("worked " + work() + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static AutoCloseable jetty(boolean virtualPool, ExecutorService executor, boolean sleep) throws Exception {
        Server server;
        if (virtualPool) {
            VirtualThreadPool pool = new VirtualThreadPool();
            pool.setVirtualThreadsExecutor(executor);
            server = new Server(pool);
        } else {
            QueuedThreadPool pool = new QueuedThreadPool();
            pool.setVirtualThreadsExecutor(executor);
            server = new Server(pool);
        }
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() { // blocking: Jetty runs it on the virtual-threads executor
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                byte[] b = body(sleep);
                response.setStatus(200);
                response.getHeaders().put("Content-Type", "text/plain");
                response.write(true, ByteBuffer.wrap(b), callback);
                return true;
            }
        });
        server.start();
        System.out.println("port " + connector.getLocalPort());
        return server::stop;
    }

    private static AutoCloseable httpServer(ExecutorService executor, boolean sleep) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
                byte[] b = body(sleep);
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, b.length);
                exchange.getResponseBody().write(b);
            }
        });
        server.start();
        System.out.println("port " + server.getAddress().getPort());
        return () -> server.stop(0);
    }
}
