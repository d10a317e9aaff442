/*
 * CallbackBench's native side: C threads that call back into Java, through jgort_invoke (passed in
 * as a pointer, as a native library would get it) or through a JDK FFM upcall stub. Compiled with
 * gcc by the benchmark's setup.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

typedef int (*invoke_fn)(int64_t id, int64_t arg, int64_t *result);
typedef int64_t (*upcall_fn)(int64_t arg);

typedef struct job {
    invoke_fn invoke;
    upcall_fn upcall;
    int64_t id;
    int calls;
    int64_t sum;
} job;

static void *run(void *arg) {
    job *j = arg;
    for (int i = 0; i < j->calls; i++) {
        if (j->invoke != NULL) {
            int64_t r = 0;
            if (j->invoke(j->id, i, &r) != 0) return NULL;
            j->sum += r;
        } else {
            j->sum += j->upcall(i);
        }
    }
    return NULL;
}

static int64_t on_thread(job *j) {
    pthread_t t;
    if (pthread_create(&t, NULL, run, j) != 0) return -1;
    pthread_join(t, NULL);
    return j->sum;
}

/* One long-lived C thread makes `calls` callbacks through jgort_invoke; returns the sum of results. */
int64_t long_lived_invoke(invoke_fn fn, int64_t id, int calls) {
    job j = {fn, NULL, id, calls, 0};
    return on_thread(&j);
}

/* The same through an FFM upcall stub. */
int64_t long_lived_upcall(upcall_fn fn, int calls) {
    job j = {NULL, fn, 0, calls, 0};
    return on_thread(&j);
}

/* `threads` fresh C threads, one after the other, each making one callback and exiting. */
int64_t fresh_invoke(invoke_fn fn, int64_t id, int threads) {
    int64_t sum = 0;
    for (int k = 0; k < threads; k++) {
        job j = {fn, NULL, id, 1, 0};
        sum += on_thread(&j);
    }
    return sum;
}

int64_t fresh_upcall(upcall_fn fn, int threads) {
    int64_t sum = 0;
    for (int k = 0; k < threads; k++) {
        job j = {NULL, fn, 0, 1, 0};
        sum += on_thread(&j);
    }
    return sum;
}
