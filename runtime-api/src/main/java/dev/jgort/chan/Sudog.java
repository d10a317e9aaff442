package dev.jgort.chan;

/**
 * Go's {@code sudog}: one waiting operation of one {@link Waiter} on one channel's send or receive
 * queue. The fields other than the links belong to whoever holds the waiter: its owner until it
 * parks, the partner that claimed it until it completes, then the owner again.
 */
final class Sudog {
    final Waiter waiter;
    /** The select case this sudog stands for, or -1 for a plain send or receive. */
    final int caseIndex;
    /** The channel whose queue holds (or held) this sudog; its lock guards the links below. */
    final Chan<?> c;
    /** Send: the value to send. Receive: the value received (written by the claiming sender). */
    Object elem;
    /** True when a partner completed the operation; false when {@code close} woke it. */
    boolean success;

    Sudog prev, next;
    /** The queue this sudog is linked in, or null. */
    WaitQueue queue;

    Sudog(Waiter waiter, Chan<?> c, int caseIndex, Object elem) {
        this.waiter = waiter;
        this.c = c;
        this.caseIndex = caseIndex;
        this.elem = elem;
    }
}
