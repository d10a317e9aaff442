/**
 * Go's channels, {@code select} and timers: {@link dev.jgort.chan.Chan}, {@link dev.jgort.chan.Select},
 * {@link dev.jgort.chan.Timer}, {@link dev.jgort.chan.Ticker}. Written after {@code runtime/chan.go}
 * and {@code runtime/select.go}.
 *
 * <h2>Design</h2>
 * A channel is a ring buffer (empty when unbuffered), a lock, and two FIFO wait queues of
 * {@code Sudog}s, parked senders and receivers. An operation that finds a partner parked completes it
 * directly: a sender copies its value into the parked receiver's sudog (or a receiver takes the parked
 * sender's value, rotating it through a full buffer so FIFO order holds), then unparks it. Nothing
 * spins. On jgort, unparking a goroutine from a goroutine puts it into the current P's {@code runnext},
 * so the partner runs next on the same P, in the time slice of the one that woke it, as Go's
 * {@code goready} does; that is what makes an unbuffered hand-off cost two context switches and no
 * more.
 *
 * <p>Parked operations wait on a {@code Waiter} (Go's {@code g.param} and {@code g.selectDone}):
 * one per blocked operation, shared by all the sudogs of a select. Whoever completes a parked
 * operation first claims its waiter by CAS, under the lock of the channel it found the sudog on; so a
 * select fires through exactly one case even though its other cases are queued on channels locked by
 * other threads, and an interrupted waiter's cancel races the claim safely (whichever CAS wins
 * decides whether the operation happened).
 *
 * <p>Channels use only {@link java.util.concurrent.locks.LockSupport} and
 * {@link java.util.concurrent.locks.ReentrantLock}: they need no runtime and work the same between
 * goroutines, virtual threads and platform threads. Parked goroutines name Go's wait reason
 * ({@code chan receive}, {@code chan send}, {@code select}, {@code select (no cases)}) through
 * {@link dev.jgort.spi.WaitReason}, which jgort's deadlock report and {@code scheddetail} print.
 *
 * <h2>Differences from Go</h2>
 * <ul>
 *   <li>Blocking operations throw {@link java.lang.InterruptedException} when interrupted while
 *       waiting, with no effect; an operation a partner already completed returns normally.</li>
 *   <li>There is no nil channel value: a {@code null} channel in a {@code Select} case is never ready.</li>
 *   <li>A {@link dev.jgort.chan.Timer} armed in a goroutine of a jgort runtime lives on that
 *       goroutine's P and fires from its scheduling loop, as in Go. Tickers, and timers armed outside
 *       a goroutine (or in a runtime started with {@code -Djgort.timers=jdk}), fire from up to four
 *       shared daemon threads ({@code jgort-timers-<i>}), so on jgort their wake-up comes from outside
 *       the scheduler (the global queue's woken FIFO). As in Go 1.23, {@code cap()} and {@code len()} of a timer's
 *       channel are 0, no stale value is received after {@code stop}/{@code reset}, and a timer's
 *       channel is queued only while a receiver waits on it, so an unreferenced {@code Timer.after}
 *       holds nothing; an unreferenced {@code Ticker} that was never stopped leaves the queue only
 *       once a garbage collection has found it (a {@code Cleaner}). Go's {@code checkdead}
 *       reports nothing while any timer is pending; jgort's deadlock check is narrower: it does not
 *       count a goroutine as asleep for good while it waits on an armed timer's or ticker's channel.</li>
 *   <li>Directional channel types are interfaces: {@link dev.jgort.chan.RecvChan} ({@code <-chan T})
 *       and {@link dev.jgort.chan.SendChan} ({@code chan<- T}).</li>
 * </ul>
 */
package dev.jgort.chan;
