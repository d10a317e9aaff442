package dev.jgort.core;

import dev.jgort.api.GoRuntime;
import dev.jgort.api.RuntimeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

import static dev.jgort.core.api.GoTestSupport.BOUND;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 11: when an M cannot be made because of {@code maxThreads}, jgort says so on stderr once per
 * runtime however many Ms are refused, and from however many threads at once; the work waits for the
 * Ms there are and all of it runs.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ThreadLimitMessageTest {
    private static final String MESSAGE = "goroutines wait for a thread";

    @Test
    void theThreadLimitIsReportedOnceWhileManyMsAreRefusedAtOnce() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        long hits;
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(4).withMaxThreads(1))) {
            // 4 platform threads start goroutines together: each start finds idle Ps and wants an M.
            // A burst may be served by the one M before the others ask (seen once under the traced
            // suite: 1 refusal), so bursts repeat, up to 20, until several refusals have raced.
            int starters = 4, each = 500, rounds = 0;
            List<Thread> children = java.util.Collections.synchronizedList(new ArrayList<>());
            LongAdder refused = ((JgortRuntime) rt).sched.threadLimitHits;
            while (rounds < 20 && (rounds == 0 || refused.sum() <= 1)) {
                rounds++;
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> ts = new ArrayList<>();
                for (int i = 0; i < starters; i++) {
                    ts.add(Thread.ofPlatform().start(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        for (int k = 0; k < each; k++) children.add(rt.go(() -> { }).thread());
                    }));
                }
                go.countDown();
                for (Thread t : ts) assertTrue(t.join(BOUND));
            }
            for (Thread c : children) assertTrue(c.join(BOUND), "a goroutine never got the one M");
            assertEquals(rounds * starters * each, children.size());
            hits = ((JgortRuntime) rt).sched.threadLimitHits.sum();
        } finally {
            System.setErr(original);
        }
        String err = buf.toString(StandardCharsets.UTF_8);
        long lines = err.lines().filter(l -> l.contains(MESSAGE)).count();
        assertTrue(hits > 1, "the test needs several refusals to race; there were " + hits);
        assertEquals(1, lines, "the thread-limit message, " + hits + " refusals:\n" + err);
        assertTrue(err.contains("program exceeds 1-thread limit"), err);
    }
}
