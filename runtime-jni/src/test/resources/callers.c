/*
 * A native library for NativeCallbacksTest: threads jgort did not create call back into Java through
 * jgort_invoke (passed in as a function pointer, as a real library would get it). Compiled with gcc
 * by the test.
 */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include <dlfcn.h>
#include <jni.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

typedef int (*invoke_fn)(int64_t id, int64_t arg, int64_t *result);

typedef struct job {
    invoke_fn fn;
    int64_t id;
    int calls;
    int64_t sum;
    int errors;
    int last_error;
} job;

static void *run(void *arg) {
    job *j = arg;
    for (int i = 0; i < j->calls; i++) {
        int64_t r = 0;
        int rc = j->fn(j->id, i, &r);
        if (rc != 0) {
            j->errors++;
            j->last_error = rc;
        } else {
            j->sum += r;
        }
    }
    return NULL;
}

/*
 * Starts `threads` native threads at once; thread k makes calls_base + k * calls_step callbacks with
 * the arguments 0, 1, ..., so threads exit at different times. Joins them all. Returns the sum of the
 * results; *errors counts failed calls and *last_error keeps the last code. -1 if a thread could not
 * be made.
 */
int64_t run_callers(invoke_fn fn, int64_t id, int threads, int calls_base, int calls_step, int *errors, int *last_error) {
    pthread_t *tids = calloc((size_t) threads, sizeof *tids);
    job *jobs = calloc((size_t) threads, sizeof *jobs);
    if (tids == NULL || jobs == NULL) return -1;
    int started = 0;
    for (int k = 0; k < threads; k++) {
        jobs[k].fn = fn;
        jobs[k].id = id;
        jobs[k].calls = calls_base + k * calls_step;
        if (pthread_create(&tids[k], NULL, run, &jobs[k]) != 0) break;
        started++;
    }
    int64_t sum = 0;
    *errors = 0;
    *last_error = 0;
    for (int k = 0; k < started; k++) {
        pthread_join(tids[k], NULL);
        sum += jobs[k].sum;
        *errors += jobs[k].errors;
        if (jobs[k].errors) *last_error = jobs[k].last_error;
    }
    free(tids);
    free(jobs);
    return started == threads ? sum : -1;
}

/* One call on the calling thread (a Java thread, or a goroutine's carrier). */
int call_once(invoke_fn fn, int64_t id, int64_t arg, int64_t *result) {
    return fn(id, arg, result);
}

typedef struct pending_job {
    invoke_fn fn;
    int64_t id;
    int *codes;
    int still_pending;
    int jni_ok;
} pending_job;

static void *run_pending(void *arg) {
    pending_job *j = arg;
    int64_t r;
    j->codes[0] = j->fn(j->id, 1, &r); /* attaches this thread */
    jint (*created)(JavaVM **, jsize, jsize *) = (jint (*)(JavaVM **, jsize, jsize *)) dlsym(RTLD_DEFAULT, "JNI_GetCreatedJavaVMs");
    JavaVM *vm;
    jsize n = 0;
    JNIEnv *env;
    if (created == NULL || created(&vm, 1, &n) != JNI_OK || n != 1
        || (*vm)->GetEnv(vm, (void **) &env, JNI_VERSION_21) != JNI_OK) {
        return NULL;
    }
    jclass c = (*env)->FindClass(env, "java/lang/IllegalStateException");
    if (c == NULL || (*env)->ThrowNew(env, c, "left pending on purpose by callers.c") != 0) return NULL;
    j->codes[1] = j->fn(j->id, 2, &r); /* must not run, nor clear the exception */
    j->still_pending = (*env)->ExceptionCheck(env);
    (*env)->ExceptionClear(env);
    j->codes[2] = j->fn(j->id, 3, &r);
    j->jni_ok = 1;
    return NULL;
}

/*
 * A native thread makes a callback (so jgort_invoke attaches it), then leaves a Java exception pending
 * with JNI calls of its own and calls back again, then clears it and calls back once more. codes[0..2]
 * get the three results. Returns 1 if the exception was still pending after the second call, 0 if
 * not, -1 if the thread or its JNI calls failed.
 */
int pending_exception_callbacks(invoke_fn fn, int64_t id, int *codes) {
    pending_job j = {fn, id, codes, 0, 0};
    pthread_t t;
    if (pthread_create(&t, NULL, run_pending, &j) != 0) return -1;
    pthread_join(t, NULL);
    return j.jni_ok ? j.still_pending : -1;
}

/* hold_start / hold_finish: one native thread that calls back, then stays in C until released. */
static pthread_mutex_t held_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t held_cv = PTHREAD_COND_INITIALIZER;
static int held_release;
static pthread_t held_thread;
static struct {
    invoke_fn fn;
    int64_t id;
    int codes[2];
} held;

static void *run_held(void *arg) {
    (void) arg;
    int64_t r;
    held.codes[0] = held.fn(held.id, 1, &r);
    pthread_mutex_lock(&held_mu);
    while (!held_release) pthread_cond_wait(&held_cv, &held_mu);
    pthread_mutex_unlock(&held_mu);
    held.codes[1] = held.fn(held.id, 2, &r);
    return NULL;
}

/* Starts the thread: it calls back with 1, then waits in C for hold_finish. 0, or -1. */
int hold_start(invoke_fn fn, int64_t id) {
    held_release = 0;
    held.fn = fn;
    held.id = id;
    held.codes[0] = held.codes[1] = 1;
    return pthread_create(&held_thread, NULL, run_held, NULL) == 0 ? 0 : -1;
}

/* Releases the thread, which calls back with 2 and exits; joins it. codes[0..1]: the two results. */
void hold_finish(int *codes) {
    pthread_mutex_lock(&held_mu);
    held_release = 1;
    pthread_cond_broadcast(&held_cv);
    pthread_mutex_unlock(&held_mu);
    pthread_join(held_thread, NULL);
    codes[0] = held.codes[0];
    codes[1] = held.codes[1];
}
