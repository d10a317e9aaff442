/*
 * jgort_os.h: the small internal interface every OS family implements in one file (os_posix.c, os_windows.c).
 * Only the OS-independent files (jgort_jni.c, carrier_state.c) use it. All functions return 0 or an errno-style error code.
 */
#ifndef JGORT_OS_H
#define JGORT_OS_H

#include <stddef.h>
#include <stdint.h>

/* A thread made for an M, with the stack it runs on. Opaque; owned by the caller until reaped. */
typedef struct jgort_os_thread jgort_os_thread;

/* A one-shot event: one thread signals, another waits. */
typedef struct jgort_os_event jgort_os_event;

/* A probe on one thread, made on that thread and read from any other: its CPU time and whether the
 * OS has it waiting. Owned by its maker. */
typedef struct jgort_os_thread_probe jgort_os_thread_probe;

/* jgort_os_thread_probe_waiting results. */
#define JGORT_OS_THREAD_UNKNOWN 0
#define JGORT_OS_THREAD_RUNNABLE 1 /* running, or ready to run and waiting for a core */
#define JGORT_OS_THREAD_WAITING 2  /* asleep in the kernel (a sleep, a read, a lock) */

/*
 * Starts fn(arg) on a new thread. runtime_stack != 0: the stack is `size` bytes the runtime maps
 * itself, with one inaccessible guard page below it (Go's runtime-allocated g0 stack); else the OS
 * provides it (`size` is a hint, 0 for the default). On success *out is the thread's handle.
 */
int jgort_os_thread_start(jgort_os_thread **out, int runtime_stack, size_t size, void *(*fn)(void *), void *arg);

/*
 * Go's freem sweep for one M: if the thread has ended, releases it and the stack the runtime mapped
 * (kept in a small cache for the next thread of the same size, as Go reuses stacks, or unmapped) and
 * returns 0 (the handle is gone); if it still runs, returns EBUSY.
 */
int jgort_os_thread_reap(jgort_os_thread *t);

/*
 * Names the calling thread for the OS's tools (top -H, perf, a debugger), as the JVM names the
 * threads it starts itself; a thread the JVM merely attaches keeps its creator's name otherwise.
 * Best effort: an OS that cuts or refuses the name changes nothing else.
 */
void jgort_os_thread_set_name(const char *name);

/* Gives the CPU to another thread (Go's osyield): for a wait that lasts microseconds. */
void jgort_os_yield(void);

/* The calling thread's stack region [lo, hi) as the OS knows it. */
int jgort_os_stack_bounds(uintptr_t *lo, uintptr_t *hi);

/*
 * The OS page size in bytes (4 KiB on x86_64; 4, 16 or 64 KiB on aarch64 Linux, 16 KiB on Apple
 * silicon): what runtime-allocated stacks are rounded to, and what runtime-core's StackPolicy sizes
 * an M's stack with (Go's physPageSize).
 */
int jgort_os_page_size(size_t *out);

int jgort_os_event_new(jgort_os_event **out);
void jgort_os_event_signal(jgort_os_event *e);
void jgort_os_event_wait(jgort_os_event *e);
void jgort_os_event_free(jgort_os_event *e);

/*
 * Makes the calling thread run fn() once when it exits (Go: the pthread key destructor that calls
 * dropm). Calling it again on the same thread does nothing more. fn is the same for every thread.
 */
int jgort_os_on_thread_exit(void (*fn)(void));

/*
 * The address of the exported symbol `name` of the already loaded shared library that contains the
 * code at `addr_in_library` (found without loading anything: the JVM's own libjvm, say).
 */
int jgort_os_library_symbol(const void *addr_in_library, const char *name, void **out);

/* A probe on the calling thread. Free it with jgort_os_thread_probe_free, before or after the thread ends. */
int jgort_os_thread_probe_self(jgort_os_thread_probe **out);

/* The CPU time the probe's thread has used, in ns; the thread must not have ended. */
int jgort_os_thread_probe_cpu(const jgort_os_thread_probe *p, int64_t *nanos);

/* JGORT_OS_THREAD_RUNNABLE, _WAITING, or _UNKNOWN where the OS does not tell; the thread must not have
 * ended. The first call may open what it reads (Linux: the thread's /proc stat file), so callers keep
 * the probe's thread alive as for the CPU time, and may call it from any thread. */
int jgort_os_thread_probe_state(jgort_os_thread_probe *p);

void jgort_os_thread_probe_free(jgort_os_thread_probe *p);

/* A text for an error code (strerror). */
const char *jgort_os_strerror(int err, char *buf, size_t len);

#endif /* JGORT_OS_H */
