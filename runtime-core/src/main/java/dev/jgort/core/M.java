package dev.jgort.core;

import dev.jgort.spi.G0;
import dev.jgort.spi.TlsSlot;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A machine: Go's {@code m}, an OS thread that runs Gs while it holds a P. Made by {@code allocm} /
 * {@code newm}, run by {@code mstart} (the schedule loop), ended by {@code mexit}.
 *
 * <p>Ownership: fields without a note are read and written only by the M's own thread. {@link #nextp}
 * is written by the M that wakes this one before {@code notewakeup(park)} and read after the wake-up.
 */
final class M {
    final Sched sched;
    final long id;
    final G0 g0;
    final TlsSlot tls;
    /** Go's {@code m.park}: where the M sleeps when it has nothing to do. */
    final Note park = new Note();

    /** The thread, once started (from the TLS slot). */
    volatile Thread thread;
    /** The P held, or null. Written by the M itself (acquirep / releasep). */
    volatile P p;
    /** The P to acquire when woken; written by the waker under the note's protocol. */
    volatile P nextp;
    /**
     * The G running on this M, or null. An extra M bound to a thread has its {@link #callbackG} here
     * for as long as it stays bound (Go's extra M and its {@code curg}).
     */
    volatile G curg;
    /** Go's {@code m.lockedg}: the G wired to this M. Written by that G (on this thread) or by this M. */
    volatile G lockedg;
    /** Go's {@code m.spinning}: looking for work; counted in {@code sched.nmspinning}. */
    volatile boolean spinning;
    /** Gs this M has mounted (execute); written by the M only, read racily by sysmon. */
    int runs;
    /** Blocked on its note (for traces). */
    volatile boolean blocked;

    /** Go's {@code m.isextra}: made for threads the runtime did not create ({@code needm}). Set once, before publication. */
    boolean extra;
    /** Link in the extra-M list; guarded by that list's lock (the head CAS'd to a marker). */
    M extraLink;
    /**
     * An extra M's G (Go's {@code oneNewExtraM} gives each extra M one): a stand-in without a virtual
     * thread, locked to this M, whose status says where the bound thread is. {@code _Gdead} while the M
     * is on the extra list, {@code _Gsyscall} while the thread is in C (bound, between callbacks),
     * {@code _Grunning} while a callback runs. Its status changes as a goroutine's system call does
     * ({@code CgoCallbacks}), so the P stays wired across callbacks and takers take it as they take a
     * goroutine's in a syscall. Null for other Ms. Set once, before publication.
     */
    G callbackG;

    /**
     * Who may use {@link #p} right now (0 free, 1 taken). The M holds it whenever it runs scheduler code
     * and releases it only while a G is mounted ({@code cont.run()}); scheduler code that runs inside
     * that G or in the JDK's wake-up paths on this thread ({@code ready}, {@code entersyscall},
     * {@code exitsyscall}) takes it, and so does sysmon to take the P of a stuck M. Whoever holds it
     * sees a P that nobody else is changing; a caller that cannot get it at once acts as if the M had
     * no P (ready then uses the global queue). Lock order: pLock before {@code sched.lock}.
     *
     * <p>One exception: the running G's own system-call bracket ({@code entersyscall} /
     * {@code exitsyscall}'s fast paths) runs without pLock. It changes only the G's status and the P's
     * {@code syscalltick}, and settles with whoever takes the P meanwhile (holding pLock:
     * {@code Sched.takeRunningP}) by a Dekker pair, described above {@code Sched.entersyscall}.
     */
    @SuppressWarnings("unused") private volatile int pLock = 1;
    /**
     * Set by sysmon (holding pLock) when it took this M's P from its stuck G; cleared, under pLock, by
     * the M, or by its G when it takes a P again at a scheduling point ({@code exitStolen}).
     */
    boolean pStolen;

    /**
     * The handle {@link CarrierWatch} reads this M's carrier state with (0: not watched). Written by the
     * M's own thread (registered when it starts, deregistered before it ends), or by {@code dropm} for
     * an extra M; read by sysmon only under pLock while the M runs a goroutine or a callback.
     */
    long carrier;

    /**
     * Whether a goroutine or a callback runs on this M right now. A goroutine in a system call counts
     * (it runs native code); an extra M's thread between callbacks, back in its own C code, does not.
     */
    boolean running() {
        G gp = curg;
        return gp != null && (gp != callbackG || gp.status() == G.RUNNING);
    }

    private static final VarHandle PLOCK;
    static {
        try {
            PLOCK = MethodHandles.lookup().findVarHandle(M.class, "pLock", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    boolean tryLockP() {
        return PLOCK.compareAndSet(this, 0, 1);
    }

    /** Spins: the holder (sysmon, or this thread's G or M) keeps it for a few instructions only. */
    void lockP() {
        while (!PLOCK.compareAndSet(this, 0, 1)) Thread.onSpinWait();
    }

    void unlockP() {
        PLOCK.setRelease(this, 0);
    }

    /**
     * Set while this M runs due timers in its scheduling loop (it holds its pLock then), so that
     * {@code ready} puts the Gs they ready on this M's P without taking the pLock it already holds.
     */
    boolean firingTimers;

    /** The M of each M thread: set by {@code mstart} on the thread itself, removed as it exits. */
    private static final ThreadLocal<M> CURRENT = new ThreadLocal<>();

    /** The M whose thread calls this (platform threads only: a goroutine's virtual thread has none), or null. */
    static M current() {
        return CURRENT.get();
    }

    static void setCurrent(M mp) {
        if (mp == null) CURRENT.remove(); else CURRENT.set(mp);
    }

    /** Links in the idle-M list and the free-M list; guarded by {@code sched.lock}. */
    M schedlink;
    M freelink;

    M(Sched sched, long id, G0 g0, TlsSlot tls) {
        this.sched = sched;
        this.id = id;
        this.g0 = g0;
        this.tls = tls;
    }

    @Override
    public String toString() {
        return "M" + id;
    }
}
