/*
 * A native library for NativeCallWatchTest: native code that blocks the calling thread without
 * parking anything, the way a JDBC driver's socket read or a compression library would. Compiled
 * with gcc by the test.
 */
#include <jni.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int released;

/* A JNI native method (BlockingNatives.awaitRelease): blocks until release() is called. */
JNIEXPORT void JNICALL Java_dev_jgort_jni_BlockingNatives_awaitRelease(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    pthread_mutex_lock(&mu);
    while (!released) pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
}

JNIEXPORT void JNICALL Java_dev_jgort_jni_BlockingNatives_release(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    pthread_mutex_lock(&mu);
    released = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

JNIEXPORT void JNICALL Java_dev_jgort_jni_BlockingNatives_reset(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    pthread_mutex_lock(&mu);
    released = 0;
    pthread_mutex_unlock(&mu);
}

/* For FFM: says it has entered (*entered = 1), then sleeps `ms` milliseconds. */
int block_ms(int ms, atomic_int *entered) {
    atomic_store(entered, 1);
    return usleep((useconds_t) ms * 1000);
}

/* For FFM: says it has entered, then runs on the CPU, making no system call, until *stop != 0. */
int spin_until(atomic_int *entered, atomic_int *stop) {
    atomic_store(entered, 1);
    long spins = 0;
    while (!atomic_load_explicit(stop, memory_order_relaxed)) spins++;
    return spins > 0 ? 0 : 1;
}

/* For FFM: a short busy call, running on the CPU for about `ns` nanoseconds. */
void busy_ns(long ns) {
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < ns);
}
