package dev.jgort.chan;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Go channel ({@code chan T}, {@code runtime/chan.go}'s {@code hchan}): unbuffered ({@link #make()})
 * or buffered ({@link #make(int)}), with Go's semantics:
 * <ul>
 *   <li>{@link #send} blocks until a receiver takes the value (unbuffered) or there is room in the
 *       buffer; a sender that finds a parked receiver hands the value straight to it and readies it
 *       (on jgort, into the current P's {@code runnext}: it runs next on this P). {@link #recv} is the
 *       mirror image. Parked senders and receivers are served in FIFO order.</li>
 *   <li>{@link #close} wakes every parked receiver (they get {@code null} and {@code ok == false}) and
 *       every parked sender (they throw {@link ClosedChanException}). Receiving from a closed channel
 *       first drains its buffer, then returns at once. Sending on a closed channel, and closing twice,
 *       throw {@link ClosedChanException} with Go's panic message. (Go's nil channel has no Java
 *       value: calling a method on a {@code null} reference throws {@link NullPointerException};
 *       in a {@link Select} a {@code null} channel is a case that is never ready, as in Go.)</li>
 *   <li>{@code null} is a value like any other (Go's nil interface): it can be sent and received.
 *       {@link #recv()} returns {@code null} both for a received {@code null} and for a closed channel;
 *       use {@link #recvOk()} (Go's {@code v, ok := <-ch}) or iteration to tell them apart.</li>
 *   <li>Iteration ({@code for (T v : ch)}) is Go's {@code for v := range ch}: it receives until the
 *       channel is closed and drained.</li>
 * </ul>
 *
 * <p>A channel is both a {@link RecvChan} and a {@link SendChan} (Go's directional {@code <-chan T} and
 * {@code chan<- T}), so a producer or a consumer can be handed only its side.
 *
 * <p>A channel works from goroutines and from any other thread at once. A blocked goroutine parks
 * and frees its M for other goroutines; a blocked platform thread blocks.
 *
 * <p><b>Interrupts.</b> Go has none; Java threads do. A blocking operation that has to wait throws
 * {@link InterruptedException} when its thread is interrupted before a partner took it, and then has
 * no effect (the value was not sent; nothing was received). If a partner took it first, the operation
 * completes normally and the thread's interrupt status is set again: a value is never lost. An
 * operation that does not have to wait completes even when the thread is interrupted.
 *
 * <p><b>Locking.</b> Every field marked "lock" is guarded by {@link #lock}; the wait queues are only
 * touched under it. A partner that completes a parked operation claims its {@link Waiter} by CAS (so
 * one select is completed through at most one case), writes the result, and unparks the waiter only
 * after releasing the lock, as Go's {@code goready} runs after {@code unlock}.
 *
 * @param <T> the element type
 */
public final class Chan<T> implements RecvChan<T>, SendChan<T> {
    /** {@link #recvLocked} and {@link #sendLocked} results; never values a user can hold. */
    static final Object BLOCK = new Object(), CLOSED = new Object();
    static final Sudog BUFFERED = new Sudog(null, null, -1, null);

    private static final AtomicLong IDS = new AtomicLong();

    /** Select's lock order (Go sorts by the channel's address). */
    final long id = IDS.incrementAndGet();
    final ReentrantLock lock = new ReentrantLock();
    /** The ring buffer; length 0 for an unbuffered channel. */
    private final Object[] buf;
    /** lock: the number of values in {@link #buf}, the next slot to send into, the next to receive from. */
    private int qcount, sendx, recvx;
    /** lock */
    private boolean closed;
    /** lock: parked receivers and senders. */
    final WaitQueue recvq = new WaitQueue(), sendq = new WaitQueue();
    /** The timer or ticker that sends on this channel, or null; set once, at its creation. */
    volatile TimerSource timer;

    private Chan(int capacity) {
        buf = new Object[capacity];
    }

    /** An unbuffered channel: Go's {@code make(chan T)}. */
    public static <T> Chan<T> make() {
        return new Chan<>(0);
    }

    /**
     * A channel with room for {@code capacity} values: Go's {@code make(chan T, capacity)}; 0 makes an
     * unbuffered one.
     *
     * @throws IllegalArgumentException if {@code capacity} is negative
     */
    public static <T> Chan<T> make(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("makechan: size out of range: " + capacity
                    + " (use 0 for an unbuffered channel, or a positive capacity)");
        }
        return new Chan<>(capacity);
    }

    // ---- the operations under the lock, shared with Select --------------------------------------------

    /**
     * Go's {@code chansend} up to the point of parking, with {@link #lock} held: hands {@code v} to the
     * first parked receiver (returned, completed, to be unparked after unlocking), or buffers it
     * ({@link #BUFFERED}), or returns null when the sender has to wait.
     *
     * @throws ClosedChanException if the channel is closed
     */
    Sudog sendLocked(Object v) {
        if (closed) throw ClosedChanException.send();
        Sudog r = recvq.dequeue();
        if (r != null) {
            r.elem = v;
            r.success = true;
            r.waiter.complete(r);
            return r;
        }
        if (qcount < buf.length) {
            buf[sendx] = v;
            sendx = next(sendx);
            qcount++;
            return BUFFERED;
        }
        return null;
    }

    /**
     * Go's {@code chanrecv} up to the point of parking, with {@link #lock} held. Returns a parked
     * sender, completed, whose {@code elem} now holds the value this receiver gets (to be unparked
     * after unlocking); or a value taken from the buffer; or {@link #CLOSED} when the channel is closed
     * and drained; or {@link #BLOCK} when the receiver has to wait.
     */
    Object recvLocked() {
        Sudog s = sendq.dequeue();
        if (s != null) {
            if (buf.length != 0) {
                // A sender waits only when the buffer is full: take its head, put the sender's value at
                // the tail (the same slot, since the ring is full), so FIFO order holds.
                Object v = buf[recvx];
                buf[recvx] = s.elem;
                s.elem = v;
                recvx = next(recvx);
                sendx = recvx;
            }
            s.success = true;
            s.waiter.complete(s);
            return s;
        }
        if (qcount > 0) {
            Object v = buf[recvx];
            buf[recvx] = null;
            recvx = next(recvx);
            qcount--;
            return v;
        }
        return closed ? CLOSED : BLOCK;
    }

    private int next(int i) {
        return ++i == buf.length ? 0 : i;
    }

    /** Unlinks the sudog of an operation that did not happen (interrupted, or a select's other case). */
    void unlink(Sudog s) {
        lock.lock();
        try {
            recvq.remove(s);
            sendq.remove(s);
        } finally {
            lock.unlock();
        }
    }

    // ---- the public operations --------------------------------------------------------------------------

    /**
     * Sends {@code v}: Go's {@code ch <- v}. Blocks until a receiver takes it or the buffer has room.
     *
     * @throws ClosedChanException  if the channel is closed, or is closed while this send waits
     * @throws InterruptedException if interrupted while waiting; the value was not sent
     */
    @Override
    public void send(T v) throws InterruptedException {
        Sudog r, sg = null;
        lock.lock();
        try {
            r = sendLocked(v);
            if (r == null) {
                sg = new Sudog(new Waiter("chan send"), this, -1, v);
                sg.waiter.waitingOn(sg);
                sendq.enqueue(sg);
            }
        } finally {
            lock.unlock();
        }
        if (sg == null) {
            if (r != BUFFERED) LockSupport.unpark(r.waiter.thread);
            return;
        }
        if (sg.waiter.await() == null) {
            unlink(sg);
            throw new InterruptedException("interrupted while waiting to send on " + this);
        }
        if (!sg.success) throw ClosedChanException.send();
    }

    /**
     * Sends {@code v} if that needs no waiting: Go's {@code select { case ch <- v: default: }}.
     *
     * @return whether the value was sent (handed to a parked receiver or buffered)
     * @throws ClosedChanException if the channel is closed
     */
    @Override
    public boolean trySend(T v) {
        lock.lock();
        return trySendAndUnlock(v);
    }

    /**
     * {@link #trySend} that does not wait for the channel's lock either: for a timer firing on an M
     * ({@link Timer}), which must not wait for a lock that a parked goroutine may hold.
     *
     * @return whether the value was sent; false if the lock was busy (or the value had to wait)
     */
    boolean trySendIfUnlocked(T v) {
        return lock.tryLock() && trySendAndUnlock(v);
    }

    /** The rest of a {@link #trySend}, whose caller holds the lock: it is released here. */
    private boolean trySendAndUnlock(T v) {
        Sudog r;
        try {
            r = sendLocked(v);
        } finally {
            lock.unlock();
        }
        if (r == null) return false;
        if (r != BUFFERED) LockSupport.unpark(r.waiter.thread);
        return true;
    }

    /**
     * Receives a value: Go's {@code v := <-ch}. Blocks until there is one or the channel is closed.
     *
     * @return the value, or {@code null} once the channel is closed and drained (use {@link #recvOk()}
     *         where {@code null} is also a value)
     * @throws InterruptedException if interrupted while waiting; nothing was received
     */
    @Override
    @SuppressWarnings("unchecked")
    public T recv() throws InterruptedException {
        Object v = receive();
        return v == CLOSED ? null : (T) v;
    }

    /**
     * Receives a value and says whether it came from a send: Go's {@code v, ok := <-ch}. Blocks until
     * there is one or the channel is closed.
     *
     * @return the value with {@code ok == true}, or {@code (null, false)} once the channel is closed
     *         and drained
     * @throws InterruptedException if interrupted while waiting; nothing was received
     */
    @Override
    public Received<T> recvOk() throws InterruptedException {
        return Received.of(receive());
    }

    /**
     * Receives a value if that needs no waiting: Go's {@code select { case v, ok := <-ch: default: }}.
     *
     * @return the value ({@code ok == true}), {@code (null, false)} if the channel is closed and
     *         drained, or {@code null} (no {@link Received} at all) if a receive would have to wait
     */
    @Override
    public Received<T> tryRecv() {
        TimerSource t = timer;
        if (t != null) t.maybeRunChan();
        Object r;
        lock.lock();
        try {
            r = recvLocked();
        } finally {
            lock.unlock();
        }
        if (r == BLOCK) return null;
        return Received.of(wakeSender(r));
    }

    /** A value or {@link #CLOSED}, after waiting if needed. */
    private Object receive() throws InterruptedException {
        TimerSource t = timer;
        if (t != null) t.maybeRunChan();
        Object r;
        Sudog sg = null;
        lock.lock();
        try {
            r = recvLocked();
            if (r == BLOCK) {
                sg = new Sudog(new Waiter("chan receive"), this, -1, null);
                sg.waiter.waitingOn(sg);
                recvq.enqueue(sg);
            }
        } finally {
            lock.unlock();
        }
        if (sg == null) return wakeSender(r);
        if (t != null) t.blockTimerChan();
        Sudog fired;
        try {
            fired = sg.waiter.await();
        } finally {
            if (t != null) t.unblockTimerChan();
        }
        if (fired == null) {
            unlink(sg);
            throw new InterruptedException("interrupted while waiting to receive from " + this);
        }
        return sg.success ? sg.elem : CLOSED;
    }

    /** After unlocking: unparks the sender {@link #recvLocked} took a value from, and returns the value. */
    static Object wakeSender(Object r) {
        if (r instanceof Sudog s) {
            Object v = s.elem; // the sender never touches elem again once parked
            LockSupport.unpark(s.waiter.thread);
            return v;
        }
        return r;
    }

    /**
     * Closes the channel: Go's {@code close(ch)}. Parked receivers wake with {@code (null, false)};
     * parked senders wake and throw {@link ClosedChanException}. Values already buffered are still
     * received.
     *
     * @throws ClosedChanException if the channel is already closed
     */
    @Override
    public void close() {
        Sudog wake = null; // the completed sudogs, chained through their (now unused) next links
        lock.lock();
        try {
            if (closed) throw ClosedChanException.close();
            closed = true;
            Sudog s;
            while ((s = recvq.dequeue()) != null) {
                s.elem = null;
                s.success = false;
                s.waiter.complete(s);
                s.next = wake;
                wake = s;
            }
            while ((s = sendq.dequeue()) != null) {
                s.success = false;
                s.waiter.complete(s);
                s.next = wake;
                wake = s;
            }
        } finally {
            lock.unlock();
        }
        while (wake != null) {
            Sudog n = wake.next;
            LockSupport.unpark(wake.waiter.thread);
            wake = n;
        }
    }

    /** The number of values buffered: Go's {@code len(ch)}; 0 for a timer's channel (Go 1.23). */
    @Override
    public int len() {
        if (timer != null) return 0;
        lock.lock();
        try {
            return qcount;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The buffer's capacity, 0 when unbuffered: Go's {@code cap(ch)}. 0 for a timer's or ticker's
     * channel, as in Go 1.23, where those behave as unbuffered (one buffered slot holds the value
     * here, which stop and reset drain, so no stale value is ever received).
     */
    @Override
    public int cap() {
        if (timer != null) return 0;
        return buf.length;
    }

    /**
     * Go's {@code for v := range ch}: each {@code hasNext()} receives (blocking) until the channel is
     * closed and drained. An interrupt while waiting throws {@link ChanInterruptedException} (unchecked,
     * since {@link Iterator} cannot throw {@link InterruptedException}) with the interrupt status set.
     */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private static final Object NONE = new Object();
            private Object next = NONE;

            @Override
            public boolean hasNext() {
                if (next == NONE) {
                    try {
                        next = receive();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new ChanInterruptedException(e);
                    }
                }
                return next != CLOSED;
            }

            @Override
            @SuppressWarnings("unchecked")
            public T next() {
                if (!hasNext()) throw new NoSuchElementException(Chan.this + " is closed and drained");
                T v = (T) next;
                next = NONE;
                return v;
            }
        };
    }

    @Override
    public String toString() {
        // Racy reads, no lock: a debugger or a log line must not block on a busy channel.
        return "chan#" + id + "[len=" + qcount + ", cap=" + buf.length + (closed ? ", closed]" : "]");
    }
}
