/*
 * jgort_jni.c: the JNI side of the native backend (OS-independent; the OS parts are behind
 * jgort_os.h). Registers the natives of dev.jgort.jni.NativeThreads in JNI_OnLoad (with those of
 * carrier_state.c).
 *
 * An M's thread, as Go's newosproc/_cgo_thread_start make it: the creator hands it a start record
 * (the body to run, its name, its M's TLS slot); the thread stores its identity in the slot, attaches
 * to the JVM as a daemon named after its M, tells the creator whether that worked, runs the body (the
 * M's mstart), detaches and ends. Its stack is released by the next reap once it has ended.
 */
#include <jni.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carrier_state.h"
#include "jgort.h"
#include "jgort_os.h"

#define NAME_MAX_LEN 64

/* Go's m.tls: what the M's thread stores first. */
typedef struct jgort_tls {
    int64_t m_id;
} jgort_tls;

/* The creator's side of the start hand-shake: lives on the creator's stack. */
typedef struct attach_handshake {
    jgort_os_event *attached;
    int result; /* JNI_OK or a JNI error, written by the new thread before it signals `attached` */
} attach_handshake;

/*
 * The start record, Go's cgothreadstart { g; tls; fn }. Owned by the new thread once it attached
 * (it frees the record when its body returns, possibly before the creator has even woken up), by the
 * creator if it could not attach.
 */
typedef struct start_record {
    jobject body;                 /* global ref: a Runnable that runs the M's mstart */
    jgort_tls *tls;
    char name[NAME_MAX_LEN];
    attach_handshake *handshake;  /* the creator's; not touched after signalling */
} start_record;

static JavaVM *the_vm;
/* the_vm, published by JNI_OnLoad with release order once everything jgort_invoke uses is set (the
 * natives registered, the callback class and methods looked up): jgort_invoke may be called from any
 * thread at any time, even while the library is still loading, and reads this with acquire order. */
static _Atomic(JavaVM *) published_vm;
static jmethodID runnable_run;
static jclass callbacks_class;           /* global ref: dev.jgort.jni.NativeCallbacks */
static jmethodID callbacks_invoke;       /* static int invoke(long id, long arg, long resultAddress) */
static jmethodID callbacks_thread_exit;  /* static void threadExit() */

/* NativeCallbacks.invoke as an FFM upcall stub (cheaper than a JNI call); NULL until Java sets it. */
typedef jint (*invoke_upcall_fn)(jlong id, jlong arg, jlong result_address);
static invoke_upcall_fn _Atomic invoke_upcall;

/* A callback thread's own TLS slot, once it is bound to an extra M. */
static _Thread_local jgort_tls callback_tls;
/* Whether jgort_invoke attached the calling thread (then it detaches it when the thread exits). */
static _Thread_local int attached_for_callbacks;
/* On a thread jgort_invoke attached (which stays attached until it exits): where its pending Java
 * exception is kept (carrier_state.h), for the fast path; NULL elsewhere, or where the VM does not say. */
static _Thread_local const void *const volatile *own_pending_exception;
/* Set by a JVM shutdown hook: exiting threads must not call into the JVM any more. */
static atomic_int vm_exiting;
/* Numbers the names of the threads jgort_invoke attaches. */
static atomic_long callback_threads;

/* The TLS slot of the M the calling thread is; NULL on other threads. */
static _Thread_local jgort_tls *current_tls;

JGORT_API int64_t jgort_current_m(void) {
    return current_tls != NULL ? current_tls->m_id : -1;
}

static void *m_thread_main(void *arg) {
    start_record *s = arg;
    current_tls = s->tls;
    jgort_os_thread_set_name(s->name);
    JNIEnv *env = NULL;
    JavaVMAttachArgs args = {JNI_VERSION_21, s->name, NULL};
    int rc = (*the_vm)->AttachCurrentThreadAsDaemon(the_vm, (void **) &env, &args);
    attach_handshake *hs = s->handshake;
    s->handshake = NULL;
    hs->result = rc;
    jgort_os_event_signal(hs->attached); /* from here on: on failure, s belongs to the creator */
    if (rc != JNI_OK) {
        current_tls = NULL;
        return NULL;
    }
    (*env)->CallVoidMethod(env, s->body, runnable_run);
    if ((*env)->ExceptionCheck(env)) {
        /* The body catches everything itself; anything left is a bug worth seeing. */
        (*env)->ExceptionDescribe(env);
    }
    (*env)->DeleteGlobalRef(env, s->body);
    free(s);
    (*the_vm)->DetachCurrentThread(the_vm);
    current_tls = NULL;
    return NULL;
}

/* Go's dropm, from the thread-exit hook of a thread jgort_invoke attached: give back its extra Ms, detach. */
static void callback_thread_exit(void) {
    JNIEnv *env;
    current_tls = NULL;
    own_pending_exception = NULL;
    if (!attached_for_callbacks) return;
    attached_for_callbacks = 0;
    if (atomic_load(&vm_exiting)) return; /* the process is ending; the JVM may be gone */
    if ((*the_vm)->GetEnv(the_vm, (void **) &env, JNI_VERSION_21) != JNI_OK) return;
    (*env)->CallStaticVoidMethod(env, callbacks_class, callbacks_thread_exit);
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionDescribe(env);
        (*env)->ExceptionClear(env);
    }
    (*the_vm)->DetachCurrentThread(the_vm);
}

JGORT_API int jgort_invoke(int64_t id, int64_t arg, int64_t *result) {
    if (atomic_load_explicit(&published_vm, memory_order_acquire) == NULL) return JGORT_ERR_NOT_RUNNING;
    const void *const volatile *pending = own_pending_exception;
    invoke_upcall_fn upcall = invoke_upcall;
    if (pending != NULL && upcall != NULL) {
        /* A thread we attached: it is attached still, and one load says what ExceptionCheck would
         * (which costs a VM transition, ~12 ns here, as much as GetEnv and the rest of this path). */
        if (*pending != NULL) return JGORT_ERR_EXCEPTION_PENDING;
        return upcall((jlong) id, (jlong) arg, (jlong) (intptr_t) result);
    }
    JNIEnv *env = NULL;
    jint rc = (*the_vm)->GetEnv(the_vm, (void **) &env, JNI_VERSION_21);
    if (rc == JNI_EDETACHED) {
        /* A thread the JVM does not know: attach it once; it stays attached (and keeps its extra M)
         * until it exits, when the hook gives both back. */
        char name[NAME_MAX_LEN];
        snprintf(name, sizeof name, "jgort-callback-thread-%ld", atomic_fetch_add(&callback_threads, 1) + 1);
        JavaVMAttachArgs args = {JNI_VERSION_21, name, NULL};
        if ((*the_vm)->AttachCurrentThreadAsDaemon(the_vm, (void **) &env, &args) != JNI_OK) return JGORT_ERR_ATTACH;
        if (jgort_os_on_thread_exit(callback_thread_exit) != 0) {
            (*the_vm)->DetachCurrentThread(the_vm);
            return JGORT_ERR_ATTACH;
        }
        attached_for_callbacks = 1;
        own_pending_exception = jgort_pending_exception_slot(env);
    } else if (rc != JNI_OK) {
        return JGORT_ERR_ATTACH;
    } else if ((*env)->ExceptionCheck(env)) {
        return JGORT_ERR_EXCEPTION_PENDING; /* calling Java now is forbidden, and would lose it */
    }
    if (upcall != NULL) return upcall((jlong) id, (jlong) arg, (jlong) (intptr_t) result); /* the thread is attached */
    jint status = (*env)->CallStaticIntMethod(env, callbacks_class, callbacks_invoke, (jlong) id, (jlong) arg,
                                              (jlong) (intptr_t) result);
    if ((*env)->ExceptionCheck(env)) {
        /* NativeCallbacks.invoke catches everything; an exception here is a bug worth seeing. */
        (*env)->ExceptionDescribe(env);
        (*env)->ExceptionClear(env);
        return JGORT_ERR_CALLBACK_THREW;
    }
    return status;
}

/* NativeThreads.bindCallbackThread(long mId): jgort_current_m() on this callback thread returns mId. */
static void JNICALL bind_callback_thread(JNIEnv *env, jclass cls, jlong m_id) {
    (void) env;
    (void) cls;
    callback_tls.m_id = m_id;
    current_tls = &callback_tls;
}

/* NativeThreads.setInvokeUpcall(long address): NativeCallbacks.invoke's FFM upcall stub. */
static void JNICALL set_invoke_upcall(JNIEnv *env, jclass cls, jlong address) {
    (void) env;
    (void) cls;
    invoke_upcall = (invoke_upcall_fn) (intptr_t) address;
}

/* NativeThreads.vmExiting(): from a JVM shutdown hook. */
static void JNICALL vm_exiting_now(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    atomic_store(&vm_exiting, 1);
}

/* NativeThreads.invokeAddress(): the address of jgort_invoke, to hand to native libraries. */
static jlong JNICALL invoke_address(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return (jlong) (intptr_t) &jgort_invoke;
}

/* NativeThreads.allocTls(long mId): a TLS slot for an M, freed by freeTls. 0 if out of memory. */
static jlong JNICALL alloc_tls(JNIEnv *env, jclass cls, jlong m_id) {
    (void) env;
    (void) cls;
    jgort_tls *t = malloc(sizeof *t);
    if (t == NULL) return 0;
    t->m_id = m_id;
    return (jlong) (intptr_t) t;
}

static void JNICALL free_tls(JNIEnv *env, jclass cls, jlong tls) {
    (void) env;
    (void) cls;
    free((void *) (intptr_t) tls);
}

/*
 * NativeThreads.start(Runnable body, String name, long tls, boolean runtimeStack, long stackSize):
 * the new thread's handle, or -errno if it could not be made, or -1000 + n if it started but could not
 * attach to the JVM with JNI error n (negative: JNI_ERR gives -1001; NativeThreads.ATTACH_FAILED).
 */
static jlong JNICALL start_thread(JNIEnv *env, jclass cls, jobject body, jstring name, jlong tls,
                                  jboolean runtime_stack, jlong stack_size) {
    (void) cls;
    start_record *s = calloc(1, sizeof *s);
    if (s == NULL) return -ENOMEM;
    const char *utf = (*env)->GetStringUTFChars(env, name, NULL);
    if (utf == NULL) {
        free(s);
        return -ENOMEM;
    }
    snprintf(s->name, sizeof s->name, "%s", utf);
    (*env)->ReleaseStringUTFChars(env, name, utf);
    s->tls = (jgort_tls *) (intptr_t) tls;
    s->body = (*env)->NewGlobalRef(env, body);
    attach_handshake hs = {NULL, JNI_ERR};
    s->handshake = &hs;
    int err = s->body == NULL ? ENOMEM : jgort_os_event_new(&hs.attached);
    jgort_os_thread *t = NULL;
    if (err == 0) {
        err = jgort_os_thread_start(&t, runtime_stack, (size_t) stack_size, m_thread_main, s);
        if (err != 0) jgort_os_event_free(hs.attached);
    }
    if (err != 0) {
        if (s->body != NULL) (*env)->DeleteGlobalRef(env, s->body);
        free(s);
        return -err;
    }
    jgort_os_event_wait(hs.attached);
    jgort_os_event_free(hs.attached);
    int rc = hs.result; /* not s: on success the thread may have run and freed it already */
    if (rc != JNI_OK) {
        /* The thread is ending without having run anything: wait for it, then release it all. */
        while (jgort_os_thread_reap(t) == EBUSY) {
            jgort_os_yield(); /* it is a few instructions from its end */
        }
        (*env)->DeleteGlobalRef(env, s->body);
        free(s);
        return -1000 + rc; /* JNI error codes are negative */
    }
    return (jlong) (intptr_t) t;
}

/* NativeThreads.reap(long handle): 0 if the thread ended (handle and stack released), 1 while it runs, else -errno. */
static jint JNICALL reap_thread(JNIEnv *env, jclass cls, jlong handle) {
    (void) env;
    (void) cls;
    int err = jgort_os_thread_reap((jgort_os_thread *) (intptr_t) handle);
    return err == 0 ? 0 : err == EBUSY ? 1 : -err;
}

/* NativeThreads.currentStack(): {lo, hi} of the calling thread's stack, or null on error. */
static jlongArray JNICALL current_stack(JNIEnv *env, jclass cls) {
    (void) cls;
    uintptr_t lo, hi;
    if (jgort_os_stack_bounds(&lo, &hi) != 0) return NULL;
    jlongArray a = (*env)->NewLongArray(env, 2);
    if (a == NULL) return NULL;
    jlong v[2] = {(jlong) lo, (jlong) hi};
    (*env)->SetLongArrayRegion(env, a, 0, 2, v);
    return a;
}

/* NativeThreads.currentM(): jgort_current_m() for Java, so tests see what native code sees. */
static jlong JNICALL current_m(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return jgort_current_m();
}

static jstring JNICALL error_text(JNIEnv *env, jclass cls, jint err) {
    (void) cls;
    char buf[256];
    return (*env)->NewStringUTF(env, jgort_os_strerror(err, buf, sizeof buf));
}

/* NativeThreads.pageSize(): the OS page size in bytes, 0 if the OS would not say. */
static jlong JNICALL page_size(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    size_t page;
    return jgort_os_page_size(&page) == 0 ? (jlong) page : 0;
}

static JNINativeMethod methods[] = {
    {"allocTls", "(J)J", (void *) alloc_tls},
    {"freeTls", "(J)V", (void *) free_tls},
    {"start", "(Ljava/lang/Runnable;Ljava/lang/String;JZJ)J", (void *) start_thread},
    {"reap", "(J)I", (void *) reap_thread},
    {"currentStack", "()[J", (void *) current_stack},
    {"currentM", "()J", (void *) current_m},
    {"errorText", "(I)Ljava/lang/String;", (void *) error_text},
    {"pageSize", "()J", (void *) page_size},
    {"bindCallbackThread", "(J)V", (void *) bind_callback_thread},
    {"invokeAddress", "()J", (void *) invoke_address},
    {"setInvokeUpcall", "(J)V", (void *) set_invoke_upcall},
    {"vmExiting", "()V", (void *) vm_exiting_now},
};

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void) reserved;
    the_vm = vm;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **) &env, JNI_VERSION_21) != JNI_OK) return JNI_ERR;
    jclass runnable = (*env)->FindClass(env, "java/lang/Runnable");
    if (runnable == NULL) return JNI_ERR;
    runnable_run = (*env)->GetMethodID(env, runnable, "run", "()V");
    if (runnable_run == NULL) return JNI_ERR; /* with its exception pending: no further JNI calls */
    jclass natives = (*env)->FindClass(env, "dev/jgort/jni/NativeThreads");
    if (natives == NULL) return JNI_ERR;
    if ((*env)->RegisterNatives(env, natives, methods, (jint) (sizeof methods / sizeof methods[0])) != 0) return JNI_ERR;
    if (jgort_register_carrier_natives(env, natives) != 0) return JNI_ERR;
    if (jgort_pending_exception_init(env) != 0) return JNI_ERR;
    jclass callbacks = (*env)->FindClass(env, "dev/jgort/jni/NativeCallbacks");
    if (callbacks == NULL) return JNI_ERR;
    callbacks_invoke = (*env)->GetStaticMethodID(env, callbacks, "invoke", "(JJJ)I");
    callbacks_thread_exit = (*env)->GetStaticMethodID(env, callbacks, "threadExit", "()V");
    if (callbacks_invoke == NULL || callbacks_thread_exit == NULL) return JNI_ERR;
    callbacks_class = (*env)->NewGlobalRef(env, callbacks);
    if (callbacks_class == NULL) return JNI_ERR;
    atomic_store_explicit(&published_vm, vm, memory_order_release); /* last: jgort_invoke may run now */
    return JNI_VERSION_21;
}
