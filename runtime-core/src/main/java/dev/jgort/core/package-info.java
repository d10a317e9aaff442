/**
 * jgort's scheduler: Go's {@code runtime/proc.go} for virtual threads.
 *
 * <h2>Goroutine scheduler</h2>
 * The scheduler's job is to distribute ready-to-run goroutines over worker threads. Three concepts,
 * named as in Go:
 * <ul>
 *   <li><b>G</b> — goroutine ({@link dev.jgort.core.G}). A JDK virtual thread whose scheduler object is
 *       a link to the G ({@link dev.jgort.core.GLink}): whenever the JDK makes the thread runnable
 *       (start, unpark, yield, sleep expiry, monitor release) it calls {@code execute(continuation)}
 *       on it, so the scheduler learns which G became runnable without a lookup. When the G ends the
 *       link lets go of it, so a finished thread that lives on keeps 16 bytes of jgort, not the G. Running the continuation on a platform thread mounts the G
 *       there until it parks, yields or ends: that is Go's {@code execute(gp)}.</li>
 *   <li><b>M</b> — worker thread, or machine ({@link dev.jgort.core.M}). A platform thread (the Java
 *       backend) or a native thread (the JNI backend) that runs the schedule loop. The carrier of a
 *       G.</li>
 *   <li><b>P</b> — processor ({@link dev.jgort.core.P}), a resource required to run Gs. An M must hold
 *       a P to run Gs; there are exactly GOMAXPROCS Ps. Each P has a local run queue (a 256-slot
 *       lock-free ring plus a {@code runnext} slot, {@link dev.jgort.core.LocalRunQueue}); there is one
 *       global run queue ({@link dev.jgort.core.GlobalRunQueue}) under {@code sched.lock}.</li>
 * </ul>
 *
 * <h2>Where a runnable G goes</h2>
 * A G started or readied by code running on an M that holds a P (another G, or the M right after a G
 * ended and woke its joiner) goes into that P's {@code runnext}: it runs next, inheriting the time
 * slice, which is what makes spawn-and-join and ping-pong cheap. A G that yields goes to its P's tail;
 * after {@code Go.gosched()} to the global queue. A G readied from elsewhere (a platform thread, the
 * JDK's pollers) goes to the global queue's woken FIFO, which every P reads once a round. A full
 * local queue moves half of itself there.
 *
 * <h2>Timers</h2>
 * A goroutine that parks with a timeout ({@code Thread.sleep}, {@code parkNanos}, a timed wait) gets
 * its timer on the P it ran on, as Go's timers live on Ps ({@link dev.jgort.core.Timers}): the JDK
 * asks for it from the carrier right after the unmount, and {@link dev.jgort.core.TimerRouter} (put in
 * place of the JDK's unparker executors) brings that request to {@code Sched.addtimer}. The P's M fires
 * due timers at the top of every scheduling round ({@code checkTimers}), so a woken G lands in that
 * P's {@code runnext} with no thread hop; an M looking for work fires other Ps' due timers in
 * {@code stealWork}'s last pass; one idle M, the timer sleeper, sleeps only until the earliest timer
 * (Go's M blocked in {@code netpoll(delay)}), and {@code wakeNetPoller}'s rule wakes it for an earlier
 * one. Why not the JDK's way: there a timeout fires on the unparker thread, which readies the G from
 * outside, and an idle M must be woken for it: two hops, and beside busy Ps a wait for the woken
 * FIFO's turn (bench/README, "Wake-up latency"). A channel timer ({@code dev.jgort.chan.Timer})
 * armed in a goroutine comes the same way through the SPI ({@code CurrentGoroutine.addTimer}, which
 * {@link dev.jgort.core.G} implements): runtime-api knows no runtime, so it asks the calling goroutine.
 *
 * <h2>Worker thread parking/unparking</h2>
 * We need to balance between keeping enough running worker threads to use the available hardware
 * parallelism and parking excessive running threads to conserve CPU. This is not simple: the
 * scheduler state is distributed (per-P queues), so global predicates cannot be computed on fast
 * paths, and parking and unparking threads is expensive. Go's answer, taken as is: an M that runs out
 * of local work becomes <i>spinning</i> — it looks at the global queue and steals from other Ps — and
 * we unpark an additional M only when a G is readied, there is an idle P, and no M is spinning
 * ({@code wakep}). The last spinning M that finds work unparks a new spinning M
 * ({@code resetspinning}). This gives no bursts of unparked threads, while a new goroutine always
 * finds a thread looking for it. Dropping spinning is delicate: the M decrements {@code nmspinning}
 * and then checks every queue again, while the readier puts the G and then checks
 * {@code nmspinning}; both sides have a full fence between, so one of them sees the other.
 *
 * <h2>Locking</h2>
 * {@code sched.lock} ({@link dev.jgort.core.SchedLock}) guards the global queue, the idle-P and idle-M
 * lists and the M lists; fields say "lock" where it guards them, and methods that must hold it assert
 * so ({@code SchedLock.assertHeld}, Go's {@code assertLockHeld}); like Go's, it is not re-entrant (the
 * holder locking it again is an error, not a silent success). A note whose sleeper may be a goroutine
 * is fired after unlocking: waking a goroutine readies it, which takes the lock. Local queues are lock-free (one
 * producer: the owning M). A P's status changes only in its owner, under the lock, or by CAS out of
 * {@code _Psyscall}. Scheduler code that runs inside a G (ready, entersyscall, exitsyscall,
 * stop-the-world) must never unmount half-way, or its M would schedule other Gs under it: the lock
 * makes a virtual thread spin instead of park, and the stop-the-world wait spins too.
 *
 * <h2>System calls, sysmon, safe points</h2>
 * {@code Go.syscall} (and a {@code dev.jgort.ffi.Cgo} handle) is Go's {@code entersyscall}: where Go moves
 * the P to {@code _Psyscall}, jgort leaves it wired and {@code _Prunning}, and the G's {@code _Gsyscall}
 * says the same (two release stores to enter, one CAS to leave). {@link dev.jgort.core.Sysmon} takes
 * such a P when the call lasts and other work waits, and hands it to another M; stop-the-world and
 * {@code forEachP} take it too. Every taker goes through {@code Sched.takeRunningP} under the M's
 * pLock and settles with the G leaving its call by a Dekker pair (the comment above
 * {@code Sched.entersyscall}). The G coming back keeps its P, or takes any idle P, or queues globally
 * and its M stops. {@code forEachP} and stop-the-world reach other running Ps only at their
 * scheduling points (a G parks, yields, ends, or calls {@code Go.checkPreempt()}): the JVM has no
 * forced preemption of a virtual thread.
 *
 * <h2>What the JVM adds</h2>
 * Every native call is a cgo call: a goroutine in a JNI method, an FFM downcall or a JDK native
 * without {@code Go.syscall} keeps its carrier, which the {@link dev.jgort.core.CarrierWatch} sees in
 * native code from HotSpot's own thread state; sysmon retakes its P by Go's rule for a P in a syscall
 * when the call blocks (a busy call is treated as a CPU hog, below), and the G takes the exitsyscall path at its next scheduling point ({@code Sched.exitStolen}). Where
 * the VM's state cannot be read, sysmon falls back to the carrier's flat CPU time. A goroutine parked
 * while pinned, or a CPU hog that ignores preemption, loses its P the same way, within a bound on
 * oversubscription.
 *
 * <h2>Backends and extra Ms</h2>
 * Ms are made by a {@link dev.jgort.spi.ThreadBackend} found with {@code ServiceLoader}: platform
 * threads here ({@link dev.jgort.core.JavaThreadBackend}), native threads on the stack {@code allocm}
 * chose in runtime-jni. Threads the runtime did not create call back in through
 * {@link dev.jgort.spi.ExtraMs}: an extra M from Go's lock-free extra list ({@code needm}, kept until
 * the thread ends: {@code dropm}), a P taken as after a syscall and left in {@code _Psyscall} for the
 * thread's next callback. Extra Ms are on {@code allm} but outside {@code mcount} and maxmcount.
 *
 * <h2>Where Go's functions live</h2>
 * Go's names are kept, so a search for a Go function lands in the file that owns it.
 * <table>
 *   <caption>Go's runtime (proc.go unless noted) and jgort's files</caption>
 *   <tr><th>Go</th><th>file</th></tr>
 *   <tr><td>{@code schedt}, {@code newproc} (queueing half), {@code ready}, {@code mstart},
 *       {@code schedule}, {@code execute}, {@code goexit0}, {@code findrunnable},
 *       {@code stealWork}, {@code checkRunqsNoP}, {@code globrunqget}, {@code acquirep},
 *       {@code releasep}, {@code pidleput} / {@code pidleget}, {@code mput} / {@code mget},
 *       {@code stopm}, {@code startm}, {@code wakep}, {@code resetspinning}, {@code handoffp},
 *       {@code stoplockedm} / {@code startlockedm}, {@code entersyscall} /
 *       {@code entersyscallblock} / {@code exitsyscall} / {@code exitsyscall0}, {@code preemptone} /
 *       {@code preemptall}, {@code allocm} / {@code mcommoninit} / {@code checkmcount},
 *       {@code newm}, {@code mexit}, {@code mcount}</td><td>{@code Sched}</td></tr>
 *   <tr><td>{@code stopTheWorldWithSema}, {@code startTheWorldWithSema}, {@code procresize},
 *       {@code GOMAXPROCS}, {@code gcstopm}, {@code entersyscall_gcwait}, {@code forEachP},
 *       {@code runSafePointFn}, {@code worldsema}</td><td>{@code World}</td></tr>
 *   <tr><td>{@code needm}, {@code dropm}, {@code oneNewExtraM}, {@code newextram},
 *       {@code lockextra} / {@code unlockextra}, {@code cgocallback} (cgocall.go)</td>
 *       <td>{@code CgoCallbacks}</td></tr>
 *   <tr><td>{@code sysmon}, {@code retake}</td><td>{@code Sysmon} (what it sees of a carrier:
 *       {@code CarrierWatch})</td></tr>
 *   <tr><td>{@code runqput}, {@code runqputslow}, {@code runqget}, {@code runqgrab},
 *       {@code runqsteal}, {@code runqempty}</td><td>{@code LocalRunQueue}</td></tr>
 *   <tr><td>{@code globrunqput}, {@code globrunqputhead}, {@code globrunqputbatch}</td>
 *       <td>{@code GlobalRunQueue}</td></tr>
 *   <tr><td>{@code g} and its {@code atomicstatus}, {@code Gosched}, {@code LockOSThread} /
 *       {@code UnlockOSThread}, the preemption check</td><td>{@code G} (its virtual thread's
 *       scheduler: {@code GLink})</td></tr>
 *   <tr><td>{@code m}, {@code p}</td><td>{@code M}, {@code P}</td></tr>
 *   <tr><td>{@code allgs}, {@code forEachG}</td><td>{@code AllGs}</td></tr>
 *   <tr><td>{@code randomOrder}, {@code stealOrder}</td><td>{@code RandomOrder}</td></tr>
 *   <tr><td>{@code timer}, {@code p.timers}, {@code addtimer}, {@code checkTimers}, {@code runtimer},
 *       {@code moveTimers}, {@code clearDeletedTimers} (time.go)</td><td>{@code Timers},
 *       {@code RuntimeTimer}; {@code wakeNetPoller} and the sleep until the next timer:
 *       {@code Sched}; the JDK's side: {@code TimerRouter}</td></tr>
 *   <tr><td>{@code note} (lock_futex.go)</td><td>{@code Note}</td></tr>
 *   <tr><td>{@code sched.lock}, {@code lock2}, {@code assertLockHeld}</td><td>{@code SchedLock}</td></tr>
 *   <tr><td>{@code checkdead}</td><td>{@code Deadlock}</td></tr>
 *   <tr><td>{@code schedtrace}</td><td>{@code SchedTrace}</td></tr>
 *   <tr><td>{@code goroutineheader}, {@code traceback} of every goroutine ({@code pprof} goroutine
 *       profile, {@code debug=2}), {@code waitsince}</td><td>{@code GoroutineDump}</td></tr>
 *   <tr><td>{@code runtime/metrics}' scheduler metrics</td><td>{@code Metrics}; the histogram:
 *       {@code TimeHistogram} ({@code timeHistogram}), sampled in {@code G#sampled}
 *       ({@code gTrackingPeriod})</td></tr>
 *   <tr><td>(JMX and JFR, for Java's tools)</td><td>{@code RuntimeMBean}, {@code JfrEvents}</td></tr>
 *   <tr><td>{@code runtime/trace}: {@code traceEvent}, {@code traceGoStart}, {@code traceGoPark},
 *       {@code traceGoUnpark}, {@code traceGoSysCall}/{@code SysBlock}/{@code SysExit},
 *       {@code traceProcStart}/{@code Stop}</td><td>{@code Tracer} (the wire format:
 *       {@code dev.jgort.core.trace})</td></tr>
 *   <tr><td>{@code malg}'s stack for an M ({@code allocm})</td><td>{@code StackPolicy}</td></tr>
 *   <tr><td>{@code newosproc}</td><td>{@code JavaThreadBackend}; native threads: runtime-jni</td></tr>
 *   <tr><td>(the JDK's internals: a virtual thread's scheduler and carrier)</td><td>{@code VThreads}</td></tr>
 * </table>
 */
package dev.jgort.core;
