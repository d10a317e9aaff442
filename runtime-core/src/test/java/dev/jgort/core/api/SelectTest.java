package dev.jgort.core.api;

import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.chan.Chan;
import dev.jgort.chan.ClosedChanException;
import dev.jgort.chan.Received;
import dev.jgort.chan.RecvChan;
import dev.jgort.chan.Select;
import dev.jgort.chan.SendChan;
import dev.jgort.core.api.GoTestSupport.Failures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static dev.jgort.core.api.GoTestSupport.assertAllJoined;
import static dev.jgort.core.api.GoTestSupport.assertJoined;
import static dev.jgort.core.api.GoTestSupport.awaitParked;
import static dev.jgort.core.api.GoTestSupport.inGoroutine;
import static dev.jgort.core.api.GoTestSupport.runInGoroutine;
import static dev.jgort.core.api.GoTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Select}: Go's select tests from {@code runtime/chan_test.go} re-expressed, and the API's own
 * contract (default, null channels, closed channels, case indices, reuse, interrupts).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelectTest {

    /**
     * Fails unless {@code count} is within {@code sigmas} standard deviations of the mean of a
     * binomial(n, p) draw. 6 sigma: a fair select fails this about once in 500 million runs, while any
     * real bias (a case preferred by its position) lands thousands of sigma away.
     */
    private static void assertBinomial(long count, long n, double p, String what) {
        final double sigmas = 6;
        double mean = n * p, sd = Math.sqrt(n * p * (1 - p));
        assertTrue(Math.abs(count - mean) <= sigmas * sd, () -> "unfair select: " + what + " was chosen " + count
                + " times in " + n + " (expected " + mean + " +- " + sigmas + " sigma = " + sigmas * sd + ")");
    }

    // ---- Go's select tests ----------------------------------------------------------------------------

    // Go: TestSelfSelect. Two goroutines each run 1000 selects with a send and a receive case on the
    // same chan (in both orders). Nothing deadlocks; with cap 0 a goroutine never receives its own
    // value (values are tagged with the goroutine's number), and every send pairs with a receive.
    @ParameterizedTest(name = "cap={0}")
    @ValueSource(ints = {0, 1, 10})
    void selfSelect_sendAndRecvOnOneChanNeverPairsWithItself(int cap) throws Exception {
        final int iterations = 1000;
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make(cap);
            AtomicIntegerArray sends = new AtomicIntegerArray(2), recvs = new AtomicIntegerArray(2);
            List<Goroutine> gs = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                int me = p;
                gs.add(f.go(rt, () -> {
                    int[] got = new int[1];
                    Select sendFirst = new Select().send(c, me, null).recv(c, v -> got[0] = v);
                    Select recvFirst = new Select().recv(c, v -> got[0] = v).send(c, me, null);
                    for (int i = 0; i < iterations; i++) {
                        boolean sf = me == 0 || i % 2 == 0;
                        int chosen = (sf ? sendFirst : recvFirst).select();
                        boolean received = chosen == (sf ? 1 : 0);
                        if (received) {
                            recvs.incrementAndGet(me);
                            if (cap == 0 && got[0] == me) throw new AssertionError("goroutine " + me + " received its own value");
                        } else {
                            sends.incrementAndGet(me);
                        }
                    }
                }));
            }
            assertAllJoined(gs);
            f.check();
            assertEquals(2 * iterations, sends.get(0) + sends.get(1) + recvs.get(0) + recvs.get(1));
            if (cap == 0) {
                assertEquals(sends.get(0), recvs.get(1), "every send of goroutine 0 pairs with a receive of goroutine 1");
                assertEquals(sends.get(1), recvs.get(0), "every send of goroutine 1 pairs with a receive of goroutine 0");
            } else {
                assertEquals(sends.get(0) + sends.get(1) - recvs.get(0) - recvs.get(1), c.len(),
                        "what was sent and not received is buffered");
            }
        }
    }

    // Go: TestSelectFairness. Two buffered chans always ready (and two never ready): over 10,000
    // selects in a goroutine that forwards what it got, each ready chan is chosen about half the time.
    @Test
    void selectFairness_twoReadyCasesAreChosenEquallyOften() throws Exception {
        final int trials = 10_000;
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> c1 = Chan.make(trials + 1), c2 = Chan.make(trials + 1);
            for (int i = 0; i < trials + 1; i++) {
                assertTrue(c1.trySend(1));
                assertTrue(c2.trySend(2));
            }
            Chan<Integer> c3 = Chan.make(), c4 = Chan.make(), out = Chan.make();
            Chan<Object> done = Chan.make();
            Goroutine g = f.go(rt, () -> {
                for (;;) {
                    int[] b = new int[1];
                    new Select().recv(c3, v -> b[0] = v).recv(c4, v -> b[0] = v)
                            .recv(c1, v -> b[0] = v).recv(c2, v -> b[0] = v).select();
                    if (new Select().send(out, b[0], null).recv(done, null).select() == 1) return;
                }
            });
            int[] cnt = inGoroutine(rt, () -> {
                int[] n = new int[3];
                for (int i = 0; i < trials; i++) {
                    int b = out.recv();
                    if (b != 1 && b != 2) throw new AssertionError("unexpected value " + b + " on channel");
                    n[b]++;
                }
                return n;
            });
            done.close();
            assertJoined(g);
            f.check();
            assertEquals(trials, cnt[1] + cnt[2]);
            assertBinomial(cnt[1], trials, 0.5, "c1 (vs c2: " + cnt[2] + ")");
        }
    }

    // Go's uniform choice among ready cases, with four: over 40,000 selects (one reused Select) on four
    // always-ready chans, each case is chosen about a quarter of the time.
    @Test
    void selectFairness_fourReadyCasesAreChosenUniformly() throws Exception {
        final int n = 40_000;
        try (GoRuntime rt = start(2)) {
            List<Chan<Integer>> cs = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                Chan<Integer> c = Chan.make(n);
                for (int i = 0; i < n; i++) assertTrue(c.trySend(k));
                cs.add(c);
            }
            int[] counts = inGoroutine(rt, () -> {
                int[] cnt = new int[4];
                Select s = new Select();
                for (Chan<Integer> c : cs) s.recv(c, v -> cnt[v]++);
                for (int i = 0; i < n; i++) s.select();
                return cnt;
            });
            assertEquals(n, counts[0] + counts[1] + counts[2] + counts[3]);
            for (int k = 0; k < 4; k++) assertBinomial(counts[k], n, 0.25, "case " + k);
        }
    }

    // Go: TestPseudoRandomSend. A select with two send cases (values 1 and 0) on one chan, 100 times,
    // while a receiver that yields before each receive takes them: both values must show up (more
    // than n/10 each), whether the select finds the receiver waiting or waits for it.
    @ParameterizedTest(name = "cap={0}")
    @ValueSource(ints = {0, 100})
    void pseudoRandomSend_twoSendCasesOnOneChanAreBothChosen(int cap) throws Exception {
        final int n = 100;
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make(cap);
            AtomicIntegerArray l = new AtomicIntegerArray(n);
            Goroutine receiver = f.go(rt, () -> {
                for (int i = 0; i < n; i++) {
                    Go.gosched();
                    l.set(i, c.recv());
                }
            });
            runInGoroutine(rt, () -> {
                for (int i = 0; i < n; i++) new Select().send(c, 1, null).send(c, 0, null).select();
            });
            assertJoined(receiver);
            f.check();
            int n1 = 0;
            for (int i = 0; i < n; i++) n1 += l.get(i);
            int n0 = n - n1;
            assertTrue(n0 > n / 10 && n1 > n / 10, "want pseudorandom, got " + n0 + " zeros and " + n1 + " ones");
        }
    }

    // Go's selectgo enqueues a parked select's cases in a random order ("start with the pollorder to
    // permute cases on the same channel"), so when a partner arrives for a channel that two cases share,
    // either may fire. Deterministic form of TestPseudoRandomSend's waiting path: the select is parked
    // (two send cases, values 1 and 0, on one unbuffered chan) before each receive.
    @Test
    void parkedSelect_twoSendCasesOnOneChanAreBothChosen() throws Exception {
        final int n = 100;
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make();
            int n1 = 0;
            for (int i = 0; i < n; i++) {
                Goroutine g = f.go(rt, () -> new Select().send(c, 1, null).send(c, 0, null).select());
                awaitParked(g, "select");
                Received<Integer> r = c.tryRecv();
                assertJoined(g);
                f.check();
                assertTrue(r != null && r.ok(), "the parked select's sender was not found: " + r);
                n1 += r.value();
            }
            int n0 = n - n1;
            assertTrue(n0 > n / 10 && n1 > n / 10, "want pseudorandom, got " + n0 + " zeros and " + n1 + " ones");
        }
    }

    // Go: TestSelectStress. Four chans (two unbuffered, caps 2 and 3); on each, a goroutine sends N
    // values and one receives N; one goroutine sends N values on each through selects (a chan's case
    // becomes null once its N are sent), and one receives N from each the same way. No deadlock, and
    // each chan delivers every one of its 2N distinct values exactly once.
    @Test
    void selectStress_plainOpsAndSelectsOnFourChans() throws Exception {
        final int n = 10_000;
        try (GoRuntime rt = start(4)) {
            Failures f = new Failures();
            List<Chan<Integer>> c = List.of(Chan.make(), Chan.make(), Chan.make(2), Chan.make(3));
            AtomicIntegerArray[] seen = new AtomicIntegerArray[4];
            for (int k = 0; k < 4; k++) seen[k] = new AtomicIntegerArray(2 * n);
            List<Goroutine> gs = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                Chan<Integer> ck = c.get(k);
                AtomicIntegerArray sk = seen[k];
                gs.add(f.go(rt, () -> {
                    for (int i = 0; i < n; i++) ck.send(i);
                }));
                gs.add(f.go(rt, () -> {
                    for (int i = 0; i < n; i++) sk.incrementAndGet(ck.recv());
                }));
            }
            gs.add(f.go(rt, () -> {
                int[] sent = new int[4];
                for (int i = 0; i < 4 * n; i++) {
                    Select s = new Select();
                    for (int k : new int[] {3, 2, 0, 1}) {
                        int kk = k;
                        s.send(sent[k] < n ? c.get(k) : null, n + sent[k], () -> sent[kk]++);
                    }
                    s.select();
                }
                for (int k = 0; k < 4; k++) assertEquals(n, sent[k], "select sends on chan " + k);
            }));
            gs.add(f.go(rt, () -> {
                int[] got = new int[4];
                for (int i = 0; i < 4 * n; i++) {
                    Select s = new Select();
                    for (int k = 0; k < 4; k++) {
                        int kk = k;
                        s.recv(got[k] < n ? c.get(k) : null, v -> {
                            seen[kk].incrementAndGet(v);
                            got[kk]++;
                        });
                    }
                    s.select();
                }
                for (int k = 0; k < 4; k++) assertEquals(n, got[k], "select receives on chan " + k);
            }));
            assertAllJoined(gs);
            f.check();
            for (int k = 0; k < 4; k++) {
                for (int v = 0; v < 2 * n; v++) {
                    assertEquals(1, seen[k].get(v), "chan " + k + ": times value " + v + " was received");
                }
            }
        }
    }

    // Go: TestSelectDuplicateChannel. A select with two receive cases on c (and one on d) parks; then a
    // plain receiver parks on c. The select fires through d; its two sudogs on c must leave cleanly, so
    // that a later send on c goes to the plain receiver.
    @Test
    void selectDuplicateChannel_leavingTheQueueTwiceKeepsItIntact() throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make(), d = Chan.make(), e = Chan.make();
            AtomicInteger chosen = new AtomicInteger(-2);
            Goroutine a = f.go(rt, () -> {
                chosen.set(new Select().recv(c, null).recv(c, null).recv(d, null).select());
                e.send(9);
            });
            awaitParked(a, "select");
            AtomicReference<Integer> bGot = new AtomicReference<>();
            Goroutine b = f.go(rt, () -> bGot.set(c.recv()));
            awaitParked(b, "chan receive");
            runInGoroutine(rt, () -> {
                d.send(7);
                assertEquals(9, e.recv());
                c.send(8);
            });
            assertJoined(a);
            assertJoined(b);
            f.check();
            assertEquals(2, chosen.get(), "the select must fire through d");
            assertEquals(8, bGot.get());
        }
    }

    // ---- default and null channels --------------------------------------------------------------------

    // Go: select { ...; default: }. Nothing ready (an unbuffered chan without partners, a full buffered
    // one): select returns -1 and runs the default, no case handler, and changes no chan.
    @Test
    void default_runsWhenNoCaseIsReady() throws Exception {
        try (GoRuntime rt = start(2)) {
            Chan<Integer> unbuf = Chan.make(), full = Chan.make(1);
            assertTrue(full.trySend(1));
            AtomicInteger defaults = new AtomicInteger();
            int chosen = inGoroutine(rt, () -> new Select()
                    .recv(unbuf, v -> fail("received " + v))
                    .send(full, 2, () -> fail("sent to a full chan"))
                    .send(unbuf, 3, () -> fail("sent without a receiver"))
                    .onDefault(defaults::incrementAndGet)
                    .select());
            assertEquals(-1, chosen);
            assertEquals(1, defaults.get());
            assertEquals(1, full.len());
            assertEquals(new Received<>(1, true), full.tryRecv());
            assertNull(full.tryRecv());
            assertNull(unbuf.tryRecv(), "the select left a sender on the chan");
            assertFalse(unbuf.trySend(4), "the select left a receiver on the chan");
            assertEquals(-1, new Select().recv(unbuf, null).onDefault(null).select(), "a null default handler");
        }
    }

    // Go: a nil channel's case is never ready. Next to a ready case, the ready one always fires; with a
    // default, the null cases are skipped to the default.
    @Test
    void nullChannelCase_isNeverReady() throws Exception {
        Chan<Integer> ready = Chan.make(100);
        for (int i = 0; i < 100; i++) assertTrue(ready.trySend(i));
        Select s = new Select()
                .recv(null, v -> fail("a null chan's receive case fired"))
                .send(null, 1, () -> fail("a null chan's send case fired"))
                .recvOk(ready, null)
                .recvOk(null, (v, ok) -> fail("a null chan's recvOk case fired"));
        for (int i = 0; i < 100; i++) assertEquals(2, s.select());
        assertEquals(0, ready.len());
        AtomicBoolean ranDefault = new AtomicBoolean();
        assertEquals(-1, s.onDefault(() -> ranDefault.set(true)).select());
        assertTrue(ranDefault.get());
    }

    // Go: select with only nil channels and a default runs the default.
    @Test
    void onlyNullChannelsAndDefault_runsTheDefault() throws Exception {
        AtomicInteger defaults = new AtomicInteger();
        Select s = new Select().recv(null, v -> fail("fired")).send(null, "x", () -> fail("fired"))
                .onDefault(defaults::incrementAndGet);
        assertEquals(-1, s.select());
        assertEquals(-1, s.select());
        assertEquals(2, defaults.get());
        assertEquals(-1, new Select().onDefault(null).select(), "no cases, a null default handler");
    }

    // Go: select {} and a select of only nil channels block forever. Here they park as
    // "select (no cases)" until interrupted, then throw InterruptedException.
    @Test
    void noCasesOrOnlyNullChannels_blockUntilInterrupted() throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            List<Select> selects = List.of(new Select(), new Select().recv(null, null).send(null, 1, null));
            for (Select s : selects) {
                AtomicReference<Throwable> thrown = new AtomicReference<>();
                Goroutine g = f.go(rt, () -> {
                    try {
                        int i = s.select();
                        fail("select returned " + i);
                    } catch (InterruptedException e) {
                        thrown.set(e);
                    }
                });
                awaitParked(g, "select (no cases)");
                g.thread().interrupt();
                assertJoined(g);
                f.check();
                assertInstanceOf(InterruptedException.class, thrown.get());
            }
        }
    }

    // A second default is a programming error (Go: "multiple defaults in select" at compile time).
    @Test
    void onDefault_twiceThrowsIllegalStateException() {
        Select s = new Select().onDefault(null);
        assertThrows(IllegalStateException.class, () -> s.onDefault(() -> {}));
    }

    // ---- closed channels ------------------------------------------------------------------------------

    // Go: a select that chooses a send case on a closed channel panics "send on closed channel": here
    // ClosedChanException, with or without a default (nothing else is ready), and the handler does not
    // run.
    @Test
    void sendCaseOnClosedChannel_throwsClosedChanException() throws Exception {
        try (GoRuntime rt = start(2)) {
            Chan<Integer> closed = Chan.make(5), idle = Chan.make();
            closed.close();
            runInGoroutine(rt, () -> {
                ClosedChanException e1 = assertThrows(ClosedChanException.class, () -> new Select()
                        .recv(idle, v -> fail("received " + v))
                        .send(closed, 1, () -> fail("sent on a closed chan"))
                        .select());
                assertEquals("send on closed channel", e1.getMessage());
                ClosedChanException e2 = assertThrows(ClosedChanException.class, () -> new Select()
                        .send(closed, 1, () -> fail("sent on a closed chan"))
                        .onDefault(() -> fail("default instead of the closed chan's panic"))
                        .select());
                assertEquals("send on closed channel", e2.getMessage());
            });
            assertFalse(idle.trySend(1), "the select left a receiver on the idle chan");
        }
    }

    // Go: a select parked with a send case whose channel is then closed wakes and panics: here it
    // throws ClosedChanException, and leaves no waiter on its other chan.
    @Test
    void parkedSelect_sendCaseChannelClosed_throwsClosedChanException() throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make(), idle = Chan.make();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Goroutine g = f.go(rt, () -> {
                try {
                    int i = new Select().recv(idle, null).send(c, 1, () -> fail("sent")).select();
                    fail("select returned " + i);
                } catch (ClosedChanException e) {
                    thrown.set(e);
                }
            });
            awaitParked(g, "select");
            c.close();
            assertJoined(g);
            f.check();
            assertInstanceOf(ClosedChanException.class, thrown.get());
            assertEquals("send on closed channel", thrown.get().getMessage());
            assertFalse(idle.trySend(1), "the select left a receiver on its other chan");
        }
    }

    // Go: a receive case on a closed (drained) channel is ready and gets (zero, false): recvOk's handler
    // sees ok == false, recv's handler null. Both when the chan is closed before the select and when it
    // is closed while the select waits.
    @Test
    void recvCaseOnClosedChannel_firesWithNotOk() throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> closed = Chan.make(1), idle = Chan.make();
            assertTrue(closed.trySend(5));
            closed.close();
            List<Object> got = new ArrayList<>();
            Select okSel = new Select().recv(idle, null).recvOk(closed, (v, ok) -> got.add(new Received<>(v, ok)));
            assertEquals(1, okSel.select());
            assertEquals(1, okSel.select());
            Select plain = new Select().recv(closed, got::add).recv(idle, null);
            assertEquals(0, plain.select());
            assertEquals(List.of(new Received<>(5, true), new Received<>(null, false)), got.subList(0, 2));
            assertEquals(3, got.size());
            assertNull(got.get(2), "recv's handler gets null from a closed chan");

            Chan<Integer> later = Chan.make();
            AtomicReference<Received<Integer>> woke = new AtomicReference<>();
            AtomicInteger chosen = new AtomicInteger(-2);
            Goroutine g = f.go(rt, () -> chosen.set(new Select().recv(idle, null)
                    .recvOk(later, (v, ok) -> woke.set(new Received<>(v, ok))).select()));
            awaitParked(g, "select");
            later.close();
            assertJoined(g);
            f.check();
            assertEquals(1, chosen.get());
            assertEquals(new Received<>(null, false), woke.get());
        }
    }

    // ---- no stale waiters ------------------------------------------------------------------------------

    // A parked select fired through its receive case on a leaves no waiter on its other chans: an
    // unbuffered b's trySend finds no receiver, an unbuffered c's tryRecv finds no sender.
    @Test
    void parkedSelectFiredThroughRecvCase_leavesNoWaitersOnItsOtherChans() throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> a = Chan.make(), b = Chan.make(), c = Chan.make();
            AtomicInteger chosen = new AtomicInteger(-2);
            AtomicReference<Integer> got = new AtomicReference<>();
            Goroutine g = f.go(rt, () -> chosen.set(new Select()
                    .recv(a, got::set)
                    .recv(b, v -> fail("b fired with " + v))
                    .send(c, 9, () -> fail("c fired"))
                    .select()));
            awaitParked(g, "select");
            assertTrue(a.trySend(1), "the parked select must take the value");
            assertJoined(g);
            f.check();
            assertEquals(0, chosen.get());
            assertEquals(1, got.get());
            assertFalse(a.trySend(2), "a stale receiver on a");
            assertFalse(b.trySend(2), "a stale receiver on b");
            assertNull(c.tryRecv(), "a stale sender on c");
        }
    }

    // A parked select fired through its send case on c (a receiver takes its value) leaves no waiter
    // on its receive cases' chans.
    @Test
    void parkedSelectFiredThroughSendCase_leavesNoWaitersOnItsOtherChans() throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> a = Chan.make(), b = Chan.make(), c = Chan.make();
            AtomicInteger chosen = new AtomicInteger(-2);
            AtomicBoolean sent = new AtomicBoolean();
            Goroutine g = f.go(rt, () -> chosen.set(new Select()
                    .recv(a, v -> fail("a fired with " + v))
                    .recv(b, v -> fail("b fired with " + v))
                    .send(c, 9, () -> sent.set(true))
                    .select()));
            awaitParked(g, "select");
            assertEquals(new Received<>(9, true), c.tryRecv(), "the parked select's send case must be taken");
            assertJoined(g);
            f.check();
            assertEquals(2, chosen.get());
            assertTrue(sent.get(), "the send case's handler must run");
            assertFalse(a.trySend(1), "a stale receiver on a");
            assertFalse(b.trySend(1), "a stale receiver on b");
            assertNull(c.tryRecv(), "a stale sender on c");
        }
    }

    // An interrupted parked select throws InterruptedException, runs no handler, and leaves no waiter
    // on any of its chans.
    @Test
    void parkedSelectInterrupted_throwsAndLeavesNoWaiters() throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> a = Chan.make(), b = Chan.make(), c = Chan.make();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Goroutine g = f.go(rt, () -> {
                try {
                    int i = new Select()
                            .recv(a, v -> fail("a fired with " + v))
                            .recvOk(b, (v, ok) -> fail("b fired with " + v))
                            .send(c, 9, () -> fail("c fired"))
                            .select();
                    fail("select returned " + i);
                } catch (InterruptedException e) {
                    thrown.set(e);
                }
            });
            awaitParked(g, "select");
            g.thread().interrupt();
            assertJoined(g);
            f.check();
            assertInstanceOf(InterruptedException.class, thrown.get());
            assertFalse(a.trySend(1), "a stale receiver on a");
            assertFalse(b.trySend(1), "a stale receiver on b");
            assertNull(c.tryRecv(), "a stale sender on c");
        }
    }

    // Go: `case v := <-in: out <- v`: a handler may block on another channel, and its receiver gets
    // the value; in and out are seen only through their directional types.
    @Test
    void handlerMayBlockOnAnotherChannel_forwardingTheValue() throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<String> inChan = Chan.make(), outChan = Chan.make();
            RecvChan<String> in = inChan;
            SendChan<String> out = outChan;
            Goroutine forwarder = f.go(rt, () -> new Select().recv(in, out::send).select());
            Goroutine sender = f.go(rt, () -> inChan.send("hop"));
            assertEquals("hop", inGoroutine(rt, outChan::recv));
            assertJoined(forwarder);
            assertJoined(sender);
            f.check();
        }
    }

    // ---- indices and reuse -----------------------------------------------------------------------------

    // select() returns the index of the case that fired in the order the cases were added (null-channel
    // cases count), and runs only that case's handler, whatever made the case ready: a buffered value,
    // a parked receiver, a parked sender, a close (with a null handler).
    @Test
    void select_returnsTheIndexInTheOrderCasesWereAdded() throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> x = Chan.make(1), y = Chan.make(), z = Chan.make(), w = Chan.make();
            List<String> ran = new ArrayList<>();
            Select s = new Select()
                    .recv(null, v -> ran.add("null"))
                    .recv(x, v -> ran.add("x " + v))
                    .send(y, 5, () -> ran.add("y"))
                    .recvOk(z, (v, ok) -> ran.add("z " + v + " " + ok))
                    .recv(w, null);

            assertTrue(x.trySend(1));
            assertEquals(1, inGoroutine(rt, s::select));
            assertEquals(List.of("x 1"), ran);

            AtomicReference<Integer> yGot = new AtomicReference<>();
            Goroutine yReceiver = f.go(rt, () -> yGot.set(y.recv()));
            awaitParked(yReceiver, "chan receive");
            assertEquals(2, inGoroutine(rt, s::select));
            assertJoined(yReceiver);
            assertEquals(5, yGot.get());
            assertEquals(List.of("x 1", "y"), ran);

            Goroutine zSender = f.go(rt, () -> z.send(3));
            awaitParked(zSender, "chan send");
            assertEquals(3, inGoroutine(rt, s::select));
            assertJoined(zSender);
            assertEquals(List.of("x 1", "y", "z 3 true"), ran);

            w.close();
            assertEquals(4, inGoroutine(rt, s::select));
            assertEquals(List.of("x 1", "y", "z 3 true"), ran, "a null handler runs nothing");
            f.check();
        }
    }

    // A Select can be run again and again: a receive case receives each time (here in FIFO order), a
    // send case sends its same value each time, and it can park again after firing.
    @Test
    void select_canBeRunRepeatedly() throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> in = Chan.make(5);
            for (int i = 0; i < 5; i++) assertTrue(in.trySend(i));
            List<Integer> got = new ArrayList<>();
            Select recv = new Select().recv(in, got::add);
            for (int i = 0; i < 5; i++) assertEquals(0, recv.select());
            assertEquals(List.of(0, 1, 2, 3, 4), got);

            Chan<String> out = Chan.make(3);
            Select send = new Select().send(out, "same", null);
            for (int i = 0; i < 3; i++) assertEquals(0, send.select());
            for (int i = 0; i < 3; i++) assertEquals(new Received<>("same", true), out.tryRecv());

            for (int round = 0; round < 3; round++) {
                Goroutine g = f.go(rt, () -> assertEquals(0, recv.select()));
                awaitParked(g, "select");
                assertTrue(in.trySend(10 + round));
                assertJoined(g);
                f.check();
            }
            assertEquals(List.of(0, 1, 2, 3, 4, 10, 11, 12), got);
        }
    }
}
