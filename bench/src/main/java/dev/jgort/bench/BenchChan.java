package dev.jgort.bench;

import dev.jgort.chan.Chan;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;

/**
 * The one channel interface the channel workloads are written against, so that jgort's channels, the
 * JDK's blocking queues and jox's channels run exactly the same code.
 */
interface BenchChan<T> {
    void send(T v) throws InterruptedException;

    T recv() throws InterruptedException;

    /** Makes channels of one implementation. */
    @FunctionalInterface
    interface Maker {
        /** A channel with room for {@code capacity} values; 0 is unbuffered (a rendezvous). */
        <T> BenchChan<T> make(int capacity);
    }

    /** jgort's {@link Chan}. */
    static <T> BenchChan<T> jgort(int capacity) {
        Chan<T> c = Chan.make(capacity);
        return new BenchChan<>() {
            @Override
            public void send(T v) throws InterruptedException {
                c.send(v);
            }

            @Override
            public T recv() throws InterruptedException {
                return c.recv();
            }
        };
    }

    /** The JDK's queues: {@link SynchronousQueue} when unbuffered, else {@link ArrayBlockingQueue}. */
    static <T> BenchChan<T> jdk(int capacity) {
        BlockingQueue<T> q = capacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(capacity);
        return new BenchChan<>() {
            @Override
            public void send(T v) throws InterruptedException {
                q.put(v);
            }

            @Override
            public T recv() throws InterruptedException {
                return q.take();
            }
        };
    }

    /** jox's channels ({@code com.softwaremill.jox:channels}): rendezvous when unbuffered, else buffered. */
    static <T> BenchChan<T> jox(int capacity) {
        com.softwaremill.jox.Channel<T> c = capacity == 0
                ? com.softwaremill.jox.Channel.newRendezvousChannel()
                : com.softwaremill.jox.Channel.newBufferedChannel(capacity);
        return new BenchChan<>() {
            @Override
            public void send(T v) throws InterruptedException {
                c.send(v);
            }

            @Override
            public T recv() throws InterruptedException {
                return c.receive();
            }
        };
    }
}
