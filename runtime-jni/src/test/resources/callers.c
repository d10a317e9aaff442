/*
 * A native library for NativeCallbacksTest: threads jgort did not create call back into Java through
 * jgort_invoke (passed in as a function pointer, as a real library would get it). Compiled with gcc
 * by the test.
 */
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
