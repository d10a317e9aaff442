package dev.jgort.api;

/**
 * A snapshot of a runtime's scheduler, read without stopping it but under the scheduler's lock, as
 * Go's {@code schedtrace} reads: what that lock guards ({@code threads}, {@code idleThreads},
 * {@code idleProcs}, {@code globalRunqueue}, {@code threadsCreated}, {@code threadsExited},
 * {@code extraThreads}) is one consistent snapshot; the other fields are each exact at the moment they
 * were read, but not necessarily at the same moment.
 *
 * @param maxProcs           GOMAXPROCS: the number of Ps
 * @param numGoroutine       goroutines that have started and not yet ended ({@code runtime.NumGoroutine})
 * @param threads            Ms alive (threads the scheduler created, including idle ones)
 * @param idleThreads        Ms parked on the idle-M list
 * @param spinningThreads    Ms looking for work ({@code sched.nmspinning})
 * @param idleProcs          Ps on the idle-P list
 * @param globalRunqueue     goroutines on the global run queue
 * @param localRunqueues     per P: goroutines on its local run queue, {@code runnext} included
 * @param goroutinesCreated  goroutines ever started
 * @param steals             successful steals ({@code runqsteal} that took at least one G)
 * @param stolenGoroutines   goroutines moved by those steals
 * @param mWakeups           Ms woken from the idle list or started by {@code startm}
 * @param threadsCreated     Ms whose thread was started ({@code newm}); the extra Ms of callbacks from
 *                           native threads are not counted here, nor in {@code threads}
 * @param threadsExited      Ms that exited ({@code mexit}), idle too long or taking a locked goroutine's
 *                           thread; {@code threads == threadsCreated - threadsExited} in every snapshot
 * @param backend            the thread backend in use ({@code "java"}, {@code "native"})
 * @param stackPolicy        the M stack policy in force, as {@code allocm} chose it
 * @param syscallRetakes     Ps that sysmon took from goroutines in {@code Go.syscall} ({@code retake})
 * @param stolenProcs        Ps that sysmon took from stuck Ms (parked while pinned, a goroutine ignoring
 *                           preemption, or, without the native-call watch, a carrier whose CPU time
 *                           stayed flat)
 * @param oversubscribed     Ms now running a goroutine without a P because sysmon took it
 * @param nativeCallRetakes  Ps that sysmon took from goroutines whose carrier sat in a native call made
 *                           without {@code Go.syscall} for a whole tick (seen by the native-call watch)
 * @param nativeCallWatch    how sysmon sees native calls: {@code "hotspot"} (the VM's thread state) or
 *                           {@code "heuristic"} (see {@code RuntimeConfig.withNativeCallWatch}) * @param extraThreads       extra Ms made for callbacks from threads the runtime did not create (Go's
 *                           {@code needm}/{@code oneNewExtraM}); they are reused, never exit, and are not
 *                           in {@code threads}
 */
public record RuntimeStats(
        int maxProcs,
        int numGoroutine,
        int threads,
        int idleThreads,
        int spinningThreads,
        int idleProcs,
        int globalRunqueue,
        int[] localRunqueues,
        long goroutinesCreated,
        long steals,
        long stolenGoroutines,
        long mWakeups,
        long threadsCreated,
        long threadsExited,
        String backend,
        String stackPolicy,
        long syscallRetakes,
        long stolenProcs,
        int oversubscribed,
        long nativeCallRetakes,
        String nativeCallWatch,
        long extraThreads) {

    /** Copies the array so the snapshot stays immutable. */
    public RuntimeStats {
        localRunqueues = localRunqueues.clone();
    }

    /** Per P: goroutines on its local run queue (a copy). */
    @Override
    public int[] localRunqueues() {
        return localRunqueues.clone();
    }

    /** The sum of {@link #localRunqueues()}. */
    public int localRunqueueTotal() {
        int n = 0;
        for (int q : localRunqueues) n += q;
        return n;
    }
}
