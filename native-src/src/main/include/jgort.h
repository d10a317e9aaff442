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

#ifdef __cplusplus
}
#endif

#endif /* JGORT_H */
