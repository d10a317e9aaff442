package dev.jgort.core.api;

import dev.jgort.api.DeadlockException;
import dev.jgort.api.Go;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.chan.Chan;
import dev.jgort.chan.ChanInterruptedException;
import dev.jgort.chan.ClosedChanException;
import dev.jgort.chan.Received;
import dev.jgort.chan.Select;
import dev.jgort.core.api.GoTestSupport.Body;
import dev.jgort.core.api.GoTestSupport.Failures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static dev.jgort.core.api.GoTestSupport.assertAllJoined;
import static dev.jgort.core.api.GoTestSupport.assertJoined;
import static dev.jgort.core.api.GoTestSupport.assertThreadJoined;
import static dev.jgort.core.api.GoTestSupport.awaitParked;
import static dev.jgort.core.api.GoTestSupport.awaitThreadParked;
import static dev.jgort.core.api.GoTestSupport.config;
import static dev.jgort.core.api.GoTestSupport.inGoroutine;
import static dev.jgort.core.api.GoTestSupport.runInGoroutine;
import static dev.jgort.core.api.GoTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Chan}: Go's {@code runtime/chan_test.go} re-expressed. Blocking operations run in goroutines
 * that the test thread joins within {@link ChanTestSupport#BOUND}; "it blocks" is established by
 * waiting until the goroutine is parked with the channel's wait reason, never by sleeping.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChanTest {

    private static final Received<Object> CLOSED = new Received<>(null, false);

    private static <T> Received<T> ok(T v) {
        return new Received<>(v, true);
    }

    // ---- TestChan, for every capacity ------------------------------------------------------------------

    // Go: TestChan, "receive from empty chan blocks" and "non-blocking receive does not block". Two
    // receivers (recv and recvOk) park; tryRecv returns null; values sent go straight to the parked
    // receivers, first parked first served.
    @ParameterizedTest(name = "cap={0}")
    @ValueSource(ints = {0, 1, 2, 5, 10, 100})
    void recv_fromEmptyChanBlocksUntilASend(int cap) throws Exception {
        try (GoRuntime rt = start(4)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make(cap);
            AtomicReference<Integer> got1 = new AtomicReference<>();
            AtomicReference<Received<Integer>> got2 = new AtomicReference<>();
            Goroutine g1 = f.go(rt, () -> got1.set(c.recv()));
            awaitParked(g1, "chan receive");
            Goroutine g2 = f.go(rt, () -> got2.set(c.recvOk()));
            awaitParked(g2, "chan receive");
            assertNull(got1.get(), "recv returned from an empty chan");
            assertNull(got2.get(), "recvOk returned from an empty chan");
            assertNull(c.tryRecv(), "tryRecv from an empty chan must say it would block");
            assertTrue(c.trySend(7), "trySend with a parked receiver");
            assertTrue(c.trySend(8), "trySend with a parked receiver");
            assertEquals(0, c.len(), "a value for a parked receiver is handed over, not buffered");
            assertJoined(g1);
            assertJoined(g2);
            f.check();
            assertEquals(7, got1.get(), "the receiver parked first gets the first value");
            assertEquals(ok(8), got2.get());
        }
    }

    // Go: TestChan, a receive that has a value to take does not block: values buffered (cap > 0), or
    // parked senders (cap 0), are taken by recv, recvOk and tryRecv in FIFO order.
    @ParameterizedTest(name = "cap={0}")
    @ValueSource(ints = {0, 1, 2, 5, 10, 100})
    void recv_fromNonEmptyChanDoesNotBlock(int cap) throws Exception {
        try (GoRuntime rt = start(4)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make(cap);
            int n = cap == 0 ? 3 : Math.min(cap, 6);
            List<Goroutine> senders = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (cap == 0) {
                    int v = i;
                    Goroutine s = f.go(rt, () -> c.send(v));
                    awaitParked(s, "chan send");
                    senders.add(s);
                } else {
                    assertTrue(c.trySend(i));
                }
            }
            runInGoroutine(rt, () -> {
                for (int i = 0; i < n; i++) {
                    switch (i % 3) {
                        case 0 -> assertEquals(i, c.recv());
                        case 1 -> assertEquals(ok(i), c.recvOk());
                        default -> assertEquals(ok(i), c.tryRecv());
                    }
                }
                assertNull(c.tryRecv(), "the chan is empty again");
            });
            assertAllJoined(senders);
            f.check();
        }
    }

    // Go: TestChan, "send to full chan blocks": a sender on a full chan parks; trySend returns false;
    // one receive lets it in, at the tail, so FIFO order holds.
    @ParameterizedTest(name = "cap={0}")
    @ValueSource(ints = {0, 1, 2, 5, 10, 100})
    void send_toFullChanBlocksUntilAReceive(int cap) throws Exception {
        try (GoRuntime rt = start(4)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make(cap);
            for (int i = 0; i < cap; i++) assertTrue(c.trySend(i), "filling the buffer");
            AtomicBoolean sent = new AtomicBoolean();
            Goroutine g = f.go(rt, () -> {
                c.send(-1);
                sent.set(true);
            });
            awaitParked(g, "chan send");
            assertFalse(sent.get(), "send to a full chan returned");
            assertFalse(c.trySend(-2), "trySend to a full chan must fail");
            assertEquals(cap, c.len());
            assertEquals(ok(cap == 0 ? -1 : 0), c.tryRecv(), "the head of the chan");
            assertJoined(g);
            f.check();
            assertTrue(sent.get());
            assertEquals(cap, c.len(), "the parked sender's value moved into the buffer");
            for (int i = 1; i < cap; i++) assertEquals(ok(i), c.tryRecv());
            if (cap > 0) assertEquals(ok(-1), c.tryRecv(), "the parked sender's value comes last");
            assertNull(c.tryRecv());
        }
    }

    // Go: TestChan, "close unblocks receive": a parked receiver wakes with (null, false).
    @ParameterizedTest(name = "cap={0}")
    @ValueSource(ints = {0, 1, 2, 5, 10, 100})
    void close_unblocksAParkedReceiver(int cap) throws Exception {
        try (GoRuntime rt = start(4)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make(cap);
            AtomicReference<Received<Integer>> got = new AtomicReference<>();
            Goroutine g = f.go(rt, () -> got.set(c.recvOk()));
            awaitParked(g, "chan receive");
            c.close();
            assertJoined(g);
            f.check();
            assertEquals(CLOSED, got.get());
        }
    }

    // Go: TestChan, "we receive 0 from closed chan": a closed chan first yields its buffered values, then
    // recv gives null, recvOk (null, false), tryRecv (null, false), again and again.
    @ParameterizedTest(name = "cap={0}")
    @ValueSource(ints = {0, 1, 2, 5, 10, 100})
    void closedChan_yieldsBufferedValuesThenNullNotOk(int cap) throws Exception {
        try (GoRuntime rt = start(4)) {
            Chan<Integer> c = Chan.make(cap);
            for (int i = 0; i < cap; i++) assertTrue(c.trySend(i));
            c.close();
            runInGoroutine(rt, () -> {
                for (int i = 0; i < cap; i++) assertEquals(i, c.recv(), "buffered value " + i);
                assertEquals(0, c.len());
                assertNull(c.recv());
                assertEquals(CLOSED, c.recvOk());
                assertEquals(CLOSED, c.tryRecv());
                assertEquals(CLOSED, c.recvOk(), "a closed chan stays closed");
            });
        }
    }

    // Go: TestChan, "send 100 integers, receive them non-corrupted in FIFO order", with recv and with
    // recvOk.
    @ParameterizedTest(name = "cap={0}")
    @ValueSource(ints = {0, 1, 2, 5, 10, 100})
    void oneSender_valuesArriveInFifoOrder(int cap) throws Exception {
        try (GoRuntime rt = start(4)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make(cap);
            for (boolean withOk : new boolean[] {false, true}) {
                Goroutine sender = f.go(rt, () -> {
                    for (int i = 0; i < 100; i++) c.send(i);
                });
                runInGoroutine(rt, () -> {
                    for (int i = 0; i < 100; i++) {
                        if (withOk) assertEquals(ok(i), c.recvOk());
                        else assertEquals(i, c.recv());
                    }
                });
                assertJoined(sender);
                f.check();
            }
        }
    }

    // Go: TestChan, "send 1000 integers in 4 goroutines, ensure that we receive what we send": 4
    // senders x 1000 values, 4 receivers x 1000 receives; every value arrives exactly 4 times.
    @ParameterizedTest(name = "cap={0}")
    @ValueSource(ints = {0, 1, 2, 5, 10, 100})
    void fourSendersFourReceivers_receiveExactlyWhatWasSent(int cap) throws Exception {
        final int p = 4, l = 1000;
        try (GoRuntime rt = start(4)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make(cap);
            AtomicIntegerArray counts = new AtomicIntegerArray(l);
            List<Goroutine> gs = new ArrayList<>();
            for (int k = 0; k < p; k++) {
                gs.add(f.go(rt, () -> {
                    for (int i = 0; i < l; i++) c.send(i);
                }));
                gs.add(f.go(rt, () -> {
                    for (int i = 0; i < l; i++) counts.incrementAndGet(c.recv());
                }));
            }
            assertAllJoined(gs);
            f.check();
            for (int i = 0; i < l; i++) assertEquals(p, counts.get(i), "times value " + i + " was received");
            assertNull(c.tryRecv(), "nothing is left over");
        }
    }

    // Go: TestChan, "test len/cap".
    @ParameterizedTest(name = "cap={0}")
    @ValueSource(ints = {0, 1, 2, 5, 10, 100})
    void lenAndCap(int cap) {
        Chan<Integer> c = Chan.make(cap);
        assertEquals(0, c.len());
        assertEquals(cap, c.cap());
        for (int i = 0; i < cap; i++) assertTrue(c.trySend(i));
        assertEquals(cap, c.len());
        assertEquals(cap, c.cap());
        if (cap > 0) {
            c.tryRecv();
            assertEquals(cap - 1, c.len());
        }
        c.close();
        assertEquals(cap, c.cap(), "closing does not change cap");
        assertEquals(Math.max(cap - 1, 0), c.len(), "closing does not drop buffered values");
    }

    // Go: TestMultiConsumer: 23 workers range over a buffered chan (some yield to mess with the FIFO-ish
    // order) and forward to a results chan that is closed once all are done; count and sum match.
    @Test
    void multiConsumer_rangeWorkersForwardEverything() throws Exception {
        final int nwork = 23, niter = 271_828;
        final int[] pn = {2, 3, 7, 11, 13, 17, 19, 23, 27, 31};
        try (GoRuntime rt = start(4)) {
            Failures f = new Failures();
            Chan<Integer> q = Chan.make(nwork * 3), r = Chan.make(nwork * 3);
            List<Goroutine> workers = new ArrayList<>();
            for (int w = 0; w < nwork; w++) {
                int mine = pn[w % pn.length];
                workers.add(f.go(rt, () -> {
                    for (int v : q) {
                        if (v == mine) Go.gosched();
                        r.send(v);
                    }
                }));
            }
            AtomicLong expect = new AtomicLong();
            Goroutine feeder = f.go(rt, () -> {
                long sum = 0;
                for (int i = 0; i < niter; i++) {
                    int v = pn[i % pn.length];
                    sum += v;
                    q.send(v);
                }
                expect.set(sum);
                q.close();
                for (Goroutine w : workers) assertJoined(w);
                r.close();
            });
            long[] ns = inGoroutine(rt, () -> {
                long n = 0, s = 0;
                for (int v : r) {
                    n++;
                    s += v;
                }
                return new long[] {n, s};
            });
            assertJoined(feeder);
            f.check();
            assertEquals(niter, ns[0], "values received");
            assertEquals(expect.get(), ns[1], "sum received");
        }
    }

    // ---- close ----------------------------------------------------------------------------------------

    // Go: closechan's panic "send on closed channel": send and trySend throw ClosedChanException, with
    // and without a buffer, even with room in it.
    @ParameterizedTest(name = "cap={0}")
    @ValueSource(ints = {0, 3})
    void send_onClosedChanThrowsClosedChanException(int cap) throws Exception {
        try (GoRuntime rt = start(2)) {
            Chan<Integer> c = Chan.make(cap);
            c.close();
            runInGoroutine(rt, () -> {
                ClosedChanException e1 = assertThrows(ClosedChanException.class, () -> c.send(1));
                assertEquals("send on closed channel", e1.getMessage());
                ClosedChanException e2 = assertThrows(ClosedChanException.class, () -> c.trySend(1));
                assertEquals("send on closed channel", e2.getMessage());
            });
            assertEquals(0, c.len(), "nothing was buffered");
        }
    }

    // Go: closechan's panic "close of closed channel".
    @Test
    void close_twiceThrowsClosedChanException() {
        Chan<Integer> c = Chan.make(1);
        c.close();
        ClosedChanException e = assertThrows(ClosedChanException.class, c::close);
        assertEquals("close of closed channel", e.getMessage());
    }

    // Go: closechan readies every parked sender, which then panics: here each throws
    // ClosedChanException. Their values are not delivered; values already buffered are.
    @ParameterizedTest(name = "cap={0}")
    @ValueSource(ints = {0, 2})
    void close_makesParkedSendersThrowClosedChanException(int cap) throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make(cap);
            for (int i = 0; i < cap; i++) assertTrue(c.trySend(i));
            AtomicInteger threw = new AtomicInteger();
            List<Goroutine> senders = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                int v = 100 + s;
                Goroutine g = f.go(rt, () -> {
                    try {
                        c.send(v);
                        fail("send of " + v + " returned normally on a chan closed while it waited");
                    } catch (ClosedChanException e) {
                        assertEquals("send on closed channel", e.getMessage());
                        threw.incrementAndGet();
                    }
                });
                awaitParked(g, "chan send");
                senders.add(g);
            }
            c.close();
            assertAllJoined(senders);
            f.check();
            assertEquals(3, threw.get());
            for (int i = 0; i < cap; i++) assertEquals(ok(i), c.tryRecv(), "buffered before the close");
            assertEquals(CLOSED, c.tryRecv(), "the parked senders' values must not be delivered");
        }
    }

    // Go: closechan readies every parked receiver with (zero, false): here recv, recvOk and iteration
    // all end.
    @Test
    void close_wakesAllParkedReceiversWithNotOk() throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make();
            AtomicInteger woke = new AtomicInteger();
            List<Goroutine> receivers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int kind = i % 3;
                Goroutine g = f.go(rt, () -> {
                    switch (kind) {
                        case 0 -> assertNull(c.recv());
                        case 1 -> assertEquals(CLOSED, c.recvOk());
                        default -> {
                            for (Integer v : c) fail("iteration got " + v + " from a chan that was only closed");
                        }
                    }
                    woke.incrementAndGet();
                });
                awaitParked(g, "chan receive");
                receivers.add(g);
            }
            c.close();
            assertAllJoined(receivers);
            f.check();
            assertEquals(6, woke.get());
        }
    }

    // Go: makechan's panic "makechan: size out of range".
    @Test
    void make_negativeCapacityThrowsIllegalArgumentException() {
        assertThrows(IllegalArgumentException.class, () -> Chan.make(-1));
        assertThrows(IllegalArgumentException.class, () -> Chan.make(Integer.MIN_VALUE));
    }

    // Go: TestNonblockRecvRace. A buffered chan holds one value; a goroutine's non-blocking receive races
    // with the main goroutine's close and receive. The non-blocking receive must never say "would
    // block": it sees either the value or the close. Exactly one of the two gets the value.
    @Test
    void nonblockRecvRace_tryRecvNeverWouldBlockWhileCloseRaces() throws Exception {
        final int n = 10_000;
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            AtomicReferenceArray<Received<Integer>> theirs = new AtomicReferenceArray<>(n);
            AtomicReferenceArray<Received<Integer>> mine = new AtomicReferenceArray<>(n);
            List<Goroutine> gs = Collections.synchronizedList(new ArrayList<>());
            runInGoroutine(rt, () -> {
                for (int i = 0; i < n; i++) {
                    Chan<Integer> c = Chan.make(1);
                    c.send(1);
                    int idx = i;
                    gs.add(f.go(rt, () -> {
                        Received<Integer> r = c.tryRecv();
                        if (r == null) throw new AssertionError("iteration " + idx + ": chan is not ready");
                        theirs.set(idx, r);
                    }));
                    c.close();
                    mine.set(i, c.recvOk());
                }
            });
            assertAllJoined(gs);
            f.check();
            for (int i = 0; i < n; i++) {
                Received<Integer> a = theirs.get(i), b = mine.get(i);
                assertTrue((ok(1).equals(a) && CLOSED.equals(b)) || (CLOSED.equals(a) && ok(1).equals(b)),
                        "iteration " + i + ": the value must reach exactly one receiver: tryRecv " + a + ", recvOk " + b);
            }
        }
    }

    // ---- null and generics ----------------------------------------------------------------------------

    // Go's nil interface value: null is sent and received like any value; recvOk tells it from a close.
    @ParameterizedTest(name = "cap={0}")
    @ValueSource(ints = {0, 2})
    void null_isAValueDistinctFromClosed(int cap) throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<String> c = Chan.make(cap);
            Goroutine sender = f.go(rt, () -> {
                c.send(null);
                c.send("x");
                c.send(null);
                c.close();
            });
            runInGoroutine(rt, () -> {
                assertEquals(ok(null), c.recvOk(), "a sent null is ok");
                assertEquals("x", c.recv());
                List<String> rest = new ArrayList<>();
                for (String s : c) rest.add(s);
                assertEquals(Collections.singletonList(null), rest, "iteration yields a sent null");
                assertEquals(CLOSED, c.recvOk());
            });
            assertJoined(sender);
            f.check();
        }
    }

    // Go: TestChanSendInterface. A Chan<Object> carries values of any type (the same instances); on a
    // full one, selects whose send cases hold different objects fall to their default.
    @Test
    void chanOfObject_carriesMixedTypes() throws Exception {
        record Mt() {}
        Mt m = new Mt();
        Chan<Object> c = Chan.make(1);
        assertTrue(c.trySend(m));
        assertEquals(-1, new Select().send(c, m, null).onDefault(null).select());
        assertEquals(-1, new Select().send(c, m, null).send(c, new Mt(), null).onDefault(null).select());
        assertSame(m, c.tryRecv().value());

        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Object> u = Chan.make();
            List<Object> values = List.of(42, "str", 3.5, new int[] {1, 2}, List.of("a"), m, 'c', new Object());
            Goroutine sender = f.go(rt, () -> {
                for (Object v : values) u.send(v);
                u.send(null);
                u.close();
            });
            List<Object> got = inGoroutine(rt, () -> {
                List<Object> l = new ArrayList<>();
                for (Object v : u) l.add(v);
                return l;
            });
            assertJoined(sender);
            f.check();
            assertEquals(values.size() + 1, got.size());
            for (int i = 0; i < values.size(); i++) assertSame(values.get(i), got.get(i), "value " + i);
            assertNull(got.get(values.size()));
        }
    }

    // A generic element type: Chan<List<String>> hands over the list instances as sent.
    @Test
    void chanOfListOfString_handsOverTheInstances() throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<List<String>> c = Chan.make();
            List<String> a = new ArrayList<>(List.of("a", "b")), b = List.of("c");
            Goroutine sender = f.go(rt, () -> {
                c.send(a);
                c.send(b);
            });
            runInGoroutine(rt, () -> {
                List<String> first = c.recv();
                assertSame(a, first);
                first.add("added by the receiver");
                assertSame(b, c.recvOk().value());
            });
            assertJoined(sender);
            f.check();
            assertEquals(List.of("a", "b", "added by the receiver"), a);
        }
    }

    // ---- iteration ------------------------------------------------------------------------------------

    // Go: for v := range ch. Iteration receives every value in order and ends when the chan is closed.
    @ParameterizedTest(name = "cap={0}")
    @ValueSource(ints = {0, 1, 10})
    void forEach_receivesEveryValueUntilClose(int cap) throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make(cap);
            Goroutine sender = f.go(rt, () -> {
                for (int i = 0; i < 1000; i++) c.send(i);
                c.close();
            });
            List<Integer> got = inGoroutine(rt, () -> {
                List<Integer> l = new ArrayList<>();
                for (int v : c) l.add(v);
                return l;
            });
            assertJoined(sender);
            f.check();
            assertEquals(1000, got.size());
            for (int i = 0; i < 1000; i++) assertEquals(i, got.get(i));
        }
    }

    // Go: range over a closed chan still yields what is buffered. hasNext() stays false after the end,
    // and next() then throws NoSuchElementException.
    @Test
    void forEach_yieldsBufferedLeftoversAfterClose() throws Exception {
        try (GoRuntime rt = start(2)) {
            Chan<Integer> c = Chan.make(5);
            for (int i = 0; i < 5; i++) assertTrue(c.trySend(i));
            c.close();
            runInGoroutine(rt, () -> {
                List<Integer> l = new ArrayList<>();
                for (int v : c) l.add(v);
                assertEquals(List.of(0, 1, 2, 3, 4), l);
                Iterator<Integer> it = c.iterator();
                assertFalse(it.hasNext());
                assertFalse(it.hasNext());
                assertThrows(NoSuchElementException.class, it::next);
            });
        }
    }

    // An iterator interrupted while waiting throws ChanInterruptedException (its cause an
    // InterruptedException) with the interrupt status set; it received nothing, and left no waiter.
    @Test
    void iterator_interruptedWhileWaitingThrowsChanInterruptedExceptionWithInterruptSet() throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicBoolean interruptSet = new AtomicBoolean();
            Goroutine g = f.go(rt, () -> {
                try {
                    for (Integer v : c) fail("iteration got " + v);
                    fail("iteration ended without a close");
                } catch (ChanInterruptedException e) {
                    thrown.set(e);
                    interruptSet.set(Thread.interrupted());
                }
            });
            awaitParked(g, "chan receive");
            g.thread().interrupt();
            assertJoined(g);
            f.check();
            assertInstanceOf(ChanInterruptedException.class, thrown.get());
            assertInstanceOf(InterruptedException.class, thrown.get().getCause());
            assertTrue(interruptSet.get(), "the interrupt status must be set again");
            assertFalse(c.trySend(1), "the interrupted iterator left a receiver on the chan");
        }
    }

    // ---- interrupts -----------------------------------------------------------------------------------

    // A receiver interrupted while parked throws InterruptedException and leaves the chan: a trySend
    // finds no receiver, and a later value goes to the next receiver.
    @Test
    void recv_interruptedThrowsAndLeavesNoStaleReceiver() throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Goroutine g = f.go(rt, () -> {
                try {
                    Integer v = c.recv();
                    fail("received " + v);
                } catch (InterruptedException e) {
                    thrown.set(e);
                }
            });
            awaitParked(g, "chan receive");
            g.thread().interrupt();
            assertJoined(g);
            f.check();
            assertInstanceOf(InterruptedException.class, thrown.get());
            assertFalse(c.trySend(1), "trySend found a receiver: the interrupted one was left on the chan");
            Goroutine next = f.go(rt, () -> assertEquals(42, c.recv()));
            awaitParked(next, "chan receive");
            assertTrue(c.trySend(42), "the new receiver must get the value");
            assertJoined(next);
            f.check();
        }
    }

    // A sender interrupted while parked throws InterruptedException; its value was not sent: the chan
    // holds only what was buffered before, and no parked sender.
    @ParameterizedTest(name = "cap={0}")
    @ValueSource(ints = {0, 2})
    void send_interruptedThrowsAndLeavesNoStaleSender(int cap) throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make(cap);
            for (int i = 0; i < cap; i++) assertTrue(c.trySend(i));
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Goroutine g = f.go(rt, () -> {
                try {
                    c.send(-1);
                    fail("sent");
                } catch (InterruptedException e) {
                    thrown.set(e);
                }
            });
            awaitParked(g, "chan send");
            g.thread().interrupt();
            assertJoined(g);
            f.check();
            assertInstanceOf(InterruptedException.class, thrown.get());
            for (int i = 0; i < cap; i++) assertEquals(ok(i), c.tryRecv());
            assertNull(c.tryRecv(), "the interrupted send's value was delivered, or it left a sender on the chan");
            Goroutine next = f.go(rt, () -> c.send(42));
            if (cap == 0) awaitParked(next, "chan send");
            else assertJoined(next);
            assertEquals(ok(42), c.tryRecv(), "a later send is received");
            assertJoined(next);
            f.check();
        }
    }

    // An operation that need not wait completes even when the thread's interrupt status is set, and
    // leaves the status set.
    @Test
    void operationsThatNeedNotWait_completeDespiteAPendingInterrupt() throws Exception {
        try (GoRuntime rt = start(2)) {
            runInGoroutine(rt, () -> {
                Chan<Integer> c = Chan.make(1);
                Thread.currentThread().interrupt();
                try {
                    c.send(5);
                    assertEquals(5, c.recv());
                    c.close();
                    assertEquals(CLOSED, c.recvOk());
                    assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status was consumed");
                } finally {
                    Thread.interrupted();
                }
            });
        }
    }

    // The interrupt/partner race: an interrupt that lands while a partner completes the operation must
    // either cancel it (InterruptedException, no effect) or let it complete (normal return): a value is
    // never lost nor delivered twice. One side is interrupted over and over by a platform thread (each
    // interrupt once the previous one was consumed) while it receives, sends, or selects 20,000 values,
    // retrying after each InterruptedException, until the sender closes the chan; the values must
    // arrive exactly once, in order.
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"recv", "send", "select"})
    void interruptRacingAPartner_neverLosesOrDuplicatesAValue(String interruptedSide) throws Exception {
        final int n = 20_000;
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make(), never = Chan.make();
            List<Integer> got = new ArrayList<>();
            AtomicInteger interrupts = new AtomicInteger();
            Body sender = () -> {
                for (int i = 0; i < n; i++) {
                    for (;;) {
                        try {
                            c.send(i);
                            break;
                        } catch (InterruptedException e) {
                            interrupts.incrementAndGet();
                        }
                    }
                }
                c.close();
            };
            Body receiver = () -> {
                boolean[] closed = new boolean[1];
                Select sel = new Select().recv(never, v -> fail("never fired")).recvOk(c, (v, ok) -> {
                    if (ok) got.add(v);
                    else closed[0] = true;
                });
                while (!closed[0]) {
                    try {
                        if (interruptedSide.equals("select")) {
                            assertEquals(1, sel.select());
                        } else {
                            Received<Integer> r = c.recvOk();
                            if (r.ok()) got.add(r.value());
                            else closed[0] = true;
                        }
                    } catch (InterruptedException e) {
                        interrupts.incrementAndGet();
                    }
                }
            };
            boolean senderInterrupted = interruptedSide.equals("send");
            Goroutine victim = f.go(rt, senderInterrupted ? sender : receiver);
            Goroutine partner = f.go(rt, senderInterrupted ? receiver : sender);
            AtomicBoolean stop = new AtomicBoolean();
            Thread interrupter = f.thread(() -> {
                Thread t = victim.thread();
                while (!stop.get()) {
                    t.interrupt();
                    while (t.isInterrupted() && !stop.get()) Thread.onSpinWait();
                }
            });
            try {
                assertJoined(victim);
                assertJoined(partner);
            } finally {
                stop.set(true);
                assertThreadJoined(interrupter);
            }
            f.check();
            assertEquals(n, got.size(), () -> "values received (" + interrupts.get() + " interrupts)");
            for (int i = 0; i < n; i++) {
                int k = i;
                assertEquals(i, got.get(i), () -> "value " + k + " (" + interrupts.get() + " interrupts)");
            }
        }
    }

    // ---- many goroutines ------------------------------------------------------------------------------

    // A pipeline of 1000 goroutines over unbuffered chans (each receives, adds 1, sends on) carries
    // 10,000 values: none lost, none duplicated, all in order, sum checked.
    @Test
    void pipeline_thousandStagesCarryTenThousandValues() throws Exception {
        final int stages = 1000, values = 10_000;
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> first = Chan.make();
            Chan<Integer> in = first;
            List<Goroutine> gs = new ArrayList<>();
            for (int s = 0; s < stages; s++) {
                Chan<Integer> from = in, to = Chan.make();
                gs.add(f.go(rt, () -> {
                    for (int v : from) to.send(v + 1);
                    to.close();
                }));
                in = to;
            }
            Chan<Integer> last = in;
            gs.add(f.go(rt, () -> {
                for (int i = 0; i < values; i++) first.send(i);
                first.close();
            }));
            long[] countSum = inGoroutine(rt, () -> {
                long n = 0, sum = 0;
                for (int v : last) {
                    if (v != n + stages) throw new AssertionError("value " + n + " arrived as " + v);
                    n++;
                    sum += v;
                }
                return new long[] {n, sum};
            });
            assertAllJoined(gs);
            f.check();
            assertEquals(values, countSum[0], "values out of the pipeline");
            assertEquals((long) values * (values - 1) / 2 + (long) values * stages, countSum[1], "their sum");
        }
    }

    /**
     * Producers and consumers on opposite sides: platform threads and goroutines. Each of 2 producers
     * sends its own 5000 values; consumers receive until close; every value arrives exactly once.
     */
    private static void exchangeAcrossThreadKinds(boolean platformProducers, int cap) throws Exception {
        final int producers = 2, consumers = 2, perProducer = 5000;
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<Integer> c = Chan.make(cap);
            AtomicIntegerArray counts = new AtomicIntegerArray(producers * perProducer);
            List<Thread> threads = new ArrayList<>();
            List<Goroutine> gs = new ArrayList<>();
            List<Body> producerBodies = new ArrayList<>(), consumerBodies = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int base = p * perProducer;
                producerBodies.add(() -> {
                    for (int i = 0; i < perProducer; i++) c.send(base + i);
                });
            }
            for (int k = 0; k < consumers; k++) {
                consumerBodies.add(() -> {
                    for (int v : c) counts.incrementAndGet(v);
                });
            }
            List<Body> onThreads = platformProducers ? producerBodies : consumerBodies;
            List<Body> onGoroutines = platformProducers ? consumerBodies : producerBodies;
            List<Thread> producerThreads = new ArrayList<>();
            List<Goroutine> producerGoroutines = new ArrayList<>();
            for (Body b : onThreads) {
                Thread t = f.thread(b);
                threads.add(t);
                if (platformProducers) producerThreads.add(t);
            }
            for (Body b : onGoroutines) {
                Goroutine g = f.go(rt, b);
                gs.add(g);
                if (!platformProducers) producerGoroutines.add(g);
            }
            for (Thread t : producerThreads) assertThreadJoined(t);
            assertAllJoined(producerGoroutines);
            c.close();
            for (Thread t : threads) assertThreadJoined(t);
            assertAllJoined(gs);
            f.check();
            for (int i = 0; i < counts.length(); i++) assertEquals(1, counts.get(i), "times value " + i + " was received");
        }
    }

    // Platform threads send, goroutines receive (a goroutine readied from a platform thread).
    @ParameterizedTest(name = "cap={0}")
    @ValueSource(ints = {0, 16})
    void platformProducers_goroutineConsumers_everyValueOnce(int cap) throws Exception {
        exchangeAcrossThreadKinds(true, cap);
    }

    // Goroutines send, platform threads receive (a platform thread unparked from a goroutine).
    @ParameterizedTest(name = "cap={0}")
    @ValueSource(ints = {0, 16})
    void goroutineProducers_platformConsumers_everyValueOnce(int cap) throws Exception {
        exchangeAcrossThreadKinds(false, cap);
    }

    // A platform thread parked in recv is woken by a goroutine's send, and one parked in send is
    // completed by a goroutine's receive; both report Go's wait reasons while parked.
    @Test
    void platformThreadParkedOnAChan_isCompletedByAGoroutine() throws Exception {
        try (GoRuntime rt = start(2)) {
            Failures f = new Failures();
            Chan<String> c = Chan.make();
            AtomicReference<String> got = new AtomicReference<>();
            Thread receiver = f.thread(() -> got.set(c.recv()));
            awaitThreadParked(receiver, "chan receive");
            runInGoroutine(rt, () -> c.send("to a platform thread"));
            assertThreadJoined(receiver);
            Thread sender = f.thread(() -> c.send("from a platform thread"));
            awaitThreadParked(sender, "chan send");
            assertEquals("from a platform thread", inGoroutine(rt, c::recv));
            assertThreadJoined(sender);
            f.check();
            assertEquals("to a platform thread", got.get());
        }
    }

    // ---- scheduling -----------------------------------------------------------------------------------

    // Go's goready into runnext: a send that finds a parked receiver readies it into the sender's P's
    // runnext, so it runs next on that P, before goroutines queued earlier. With one P, A starts 5
    // goroutines (queued), then sends to B, parked in recv, and waits for B's reply: B runs at once,
    // replies (readying A into runnext) and ends; A resumes; only then do the 5 others run.
    @Test
    void send_toParkedReceiver_runsItNextOnTheSendersP() throws Exception {
        final int others = 5;
        // Sysmon must not hand the only P to another M (maxOversubscription 0): the order is the P's.
        try (GoRuntime rt = GoRuntime.start(config(1).withMaxOversubscription(0))) {
            Failures f = new Failures();
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            Chan<String> req = Chan.make(), rep = Chan.make();
            Goroutine b = f.go(rt, () -> {
                String v = req.recv();
                order.add("B received " + v);
                rep.send("pong");
            });
            awaitParked(b, "chan receive");
            List<Goroutine> started = Collections.synchronizedList(new ArrayList<>());
            Goroutine a = f.go(rt, () -> {
                for (int i = 0; i < others; i++) {
                    int k = i;
                    started.add(f.go(rt, () -> order.add("other " + k)));
                }
                req.send("ping");
                String r = rep.recv();
                order.add("A resumed with " + r);
            });
            assertJoined(a);
            assertJoined(b);
            assertAllJoined(started);
            f.check();
            assertEquals(others + 2, order.size(), () -> "order: " + order);
            assertEquals(List.of("B received ping", "A resumed with pong"), order.subList(0, 2),
                    () -> "B's reply and A's resumption must come before the goroutines A queued earlier: " + order);
        }
    }

    // ---- deadlock detection ---------------------------------------------------------------------------

    /**
     * Starts one goroutine that runs {@code blocked} (which must block forever on a channel), waits until
     * it is parked with {@code reason}, and asserts that close() reports a deadlock naming that wait
     * reason in the goroutine's header; then shutdownNow() interrupts it out.
     */
    private static void assertCloseReportsDeadlock(String reason, Body blocked) throws Exception {
        try (GoRuntime rt = GoRuntime.start(config(2).withDeadlockGrace(Duration.ofMillis(200)))) {
            AtomicInteger interrupted = new AtomicInteger();
            AtomicReference<Throwable> other = new AtomicReference<>();
            Goroutine g = rt.go("blocked-forever", () -> {
                try {
                    blocked.run();
                    other.set(new AssertionError("the blocking operation returned"));
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                } catch (Throwable t) {
                    other.set(t);
                }
            });
            try {
                awaitParked(g, reason);
                DeadlockException e = assertThrows(DeadlockException.class, rt::close);
                String header = "goroutine " + g.id() + " [" + reason + "]:"; // Go's header exactly
                assertTrue(e.getMessage().contains(header), () -> "expected \"" + header + "\" in:\n" + e.getMessage());
                assertEquals(1, e.goroutines());
            } finally {
                rt.shutdownNow();
            }
            assertJoined(g);
            assertNull(other.get());
            assertEquals(1, interrupted.get(), "shutdownNow() must interrupt the blocked operation");
        }
    }

    // Go: "fatal error: all goroutines are asleep - deadlock!" with "goroutine 1 [chan receive]:".
    @Test
    void deadlock_recvForeverIsReportedAsChanReceive() throws Exception {
        Chan<Integer> c = Chan.make();
        assertCloseReportsDeadlock("chan receive", c::recv);
    }

    // Go: ... "goroutine 1 [chan send]:".
    @Test
    void deadlock_sendForeverIsReportedAsChanSend() throws Exception {
        Chan<Integer> c = Chan.make();
        assertCloseReportsDeadlock("chan send", () -> c.send(1));
    }

    // Go: select {} ... "goroutine 1 [select (no cases)]:".
    @Test
    void deadlock_selectWithNoCasesIsReportedAsSelectNoCases() throws Exception {
        assertCloseReportsDeadlock("select (no cases)", () -> new Select().select());
    }

    // Go: ... "goroutine 1 [select]:".
    @Test
    void deadlock_selectForeverIsReportedAsSelect() throws Exception {
        Chan<Integer> a = Chan.make(), b = Chan.make();
        assertCloseReportsDeadlock("select", () -> new Select().recv(a, null).send(b, 1, null).select());
    }
}
