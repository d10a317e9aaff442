/**
 * cgo for FFM: downcall handles that run the call the way Go runs every cgo call, as a system call.
 *
 * <p>{@link dev.jgort.ffi.Cgo#linker()} makes downcall handles that bracket the native call with Go's
 * {@code entersyscall} / {@code exitsyscall} ({@code cgocall}): while the call runs, the goroutine's P
 * waits in {@code _Psyscall}, and sysmon hands it to another M if the call outlasts a tick while other
 * goroutines wait; when the call returns, the goroutine takes its P straight back. The bracket costs a
 * few nanoseconds. {@link dev.jgort.ffi.Cgo#blockingLinker()} does the same with
 * {@code entersyscallblock} (the P is handed off at once) for calls known to block, and
 * {@link dev.jgort.ffi.Cgo#wrap} brackets a handle made elsewhere (by jextract, say). Outside a
 * goroutine the handles are plain downcalls.
 *
 * <p>Unbracketed native calls are seen too (jgort's sysmon watches the carriers' own thread state
 * where runtime-jni is present), one or two ticks later; the bracket makes the hand-off exact and
 * the return immediate.
 */
package dev.jgort.ffi;
