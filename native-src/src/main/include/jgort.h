/*
 * jgort.h: the C interface of jgort's native backend, for native libraries loaded into a JVM that
 * runs jgort with RuntimeConfig.withBackend("native").
 *
 * Every M of the native backend is a thread made by libjgort; before it runs any Java code it stores
 * its M's identity in its thread-local slot (Go's m.tls), so native code called from a goroutine can
 * tell which M it runs on without a JNI call.
 */
#ifndef JGORT_H
#define JGORT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define JGORT_API __declspec(dllexport)
#else
#define JGORT_API __attribute__((visibility("default")))
#endif

/* The id of the M the calling thread is, or -1 if it is not an M of jgort's native backend. */
JGORT_API int64_t jgort_current_m(void);

/* jgort_invoke results. */
#define JGORT_OK 0
/* No runtime to run the callback: libjgort is not loaded by a JVM, or the callback's runtime has stopped. */
#define JGORT_ERR_NOT_RUNNING (-1)
/* No callback is registered under this id (never registered, or unregistered). */
#define JGORT_ERR_UNKNOWN_ID (-2)
/* The callback threw; the exception was logged (java.lang.System.Logger "dev.jgort.jni", ERROR). */
#define JGORT_ERR_CALLBACK_THREW (-3)
/* The calling thread could not attach to the JVM. */
#define JGORT_ERR_ATTACH (-4)
/* The calling thread has a Java exception pending (a JNI method called the library without clearing
 * it, or the thread's own JNI calls left one); JNI forbids calling Java then. Nothing ran; the
 * exception is still pending. */
#define JGORT_ERR_EXCEPTION_PENDING (-5)

/*
 * Calls the Java callback registered as `id` (dev.jgort.jni.NativeCallbacks.register) with `arg`,
 * from any thread, and stores what it returned in *result (if result is not NULL). Returns JGORT_OK
 * or one of the JGORT_ERR_ codes.
 *
 * A thread jgort did not create is attached to the JVM once (as a daemon) and takes an extra M of
 * the callback's runtime (Go's needm), which it keeps until it exits (then dropm, and detach). The
 * callback runs like a goroutine returning from a system call: it takes a P, so callbacks respect
 * GOMAXPROCS, and goroutines it starts go to that P. On a thread that is already an M (native code
 * called from a goroutine), the callback runs on that goroutine's M directly.
 */
JGORT_API int jgort_invoke(int64_t id, int64_t arg, int64_t *result);

#ifdef __cplusplus
}
#endif

#endif /* JGORT_H */
