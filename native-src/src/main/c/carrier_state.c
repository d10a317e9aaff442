/*
 * carrier_state.c: sees whether a carrier thread is executing native code, from HotSpot's own
 * JavaThread::_thread_state (OS-independent; the OS parts are behind jgort_os.h).
 *
 * Go treats every cgo call as a system call, so sysmon can hand the P of a thread stuck in C to
 * another M. The JVM tells nobody that a virtual thread entered a JNI method or an FFM downcall, but
 * HotSpot keeps the state of every thread in its JavaThread: _thread_in_native while the thread runs
 * native code, also for the carrier of a mounted virtual thread. The offset of that field and the
 * values of the states are not hard-coded: they are looked up in the tables libjvm exports for the
 * Serviceability Agent (gHotSpotVMStructs, gHotSpotVMIntConstants). A Thread's private field
 * `eetop` holds its JavaThread*; JNI reads it without any --add-opens.
 *
 * A carrier is registered by its own thread (it gets a handle: the address of its state word and a
 * probe of its OS thread: CPU time, and whether the OS has it waiting or runnable) and deregistered before that thread ends (HotSpot frees the JavaThread when the thread
 * exits). Reading a state is one load; the caller must make sure the thread has not ended meanwhile
 * (jgort's sysmon reads only while the M is inside a goroutine, see NativeCallWatch.java).
 *
 * No JVMTI: creating any JVMTI environment slows every virtual-thread mount and unmount for the life
 * of the JVM.
 */
#include <jni.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carrier_state.h"
#include "jgort_os.h"

/* What a registered carrier's handle points to. */
typedef struct carrier {
    const volatile int32_t *state; /* &JavaThread::_thread_state */
    jgort_os_thread_probe *probe;  /* CPU time and OS run state; NULL if the OS gave none */
} carrier;

/* Filled once by carrier_state_init (under the JVM's class-initialization lock of its Java caller). */
static struct {
    int ready;
    uint64_t state_offset;
    int32_t in_native, in_java, in_vm, blocked;
    jfieldID eetop; /* java.lang.Thread.eetop: the JavaThread* */
} hs;

/* Reads one exported variable of libjvm, as a uint64_t or a pointer. */
static int jvm_u64(const void *in_jvm, const char *name, uint64_t *out) {
    void *sym;
    if (jgort_os_library_symbol(in_jvm, name, &sym) != 0) return -1;
    *out = *(const uint64_t *) sym;
    return 0;
}

static int jvm_ptr(const void *in_jvm, const char *name, const char **out) {
    void *sym;
    if (jgort_os_library_symbol(in_jvm, name, &sym) != 0) return -1;
    *out = *(const char *const *) sym;
    return *out != NULL ? 0 : -1;
}

/* The offset of `type::field` in gHotSpotVMStructs, or -1. */
static int struct_field_offset(const void *in_jvm, const char *type, const char *field, uint64_t *out) {
    const char *entries;
    uint64_t type_off, field_off, offset_off, stride;
    if (jvm_ptr(in_jvm, "gHotSpotVMStructs", &entries) != 0
        || jvm_u64(in_jvm, "gHotSpotVMStructEntryTypeNameOffset", &type_off) != 0
        || jvm_u64(in_jvm, "gHotSpotVMStructEntryFieldNameOffset", &field_off) != 0
        || jvm_u64(in_jvm, "gHotSpotVMStructEntryOffsetOffset", &offset_off) != 0
        || jvm_u64(in_jvm, "gHotSpotVMStructEntryArrayStride", &stride) != 0 || stride == 0) {
        return -1;
    }
    for (const char *e = entries;; e += stride) {
        const char *t = *(const char *const *) (e + type_off);
        const char *f = *(const char *const *) (e + field_off);
        if (t == NULL) return -1; /* the table ends with an empty entry */
        if (f != NULL && strcmp(t, type) == 0 && strcmp(f, field) == 0) {
            *out = *(const uint64_t *) (e + offset_off);
            return 0;
        }
    }
}

/* The value of `name` in gHotSpotVMIntConstants, or -1. */
static int int_constant(const void *in_jvm, const char *name, int32_t *out) {
    const char *entries;
    uint64_t name_off, value_off, stride;
    if (jvm_ptr(in_jvm, "gHotSpotVMIntConstants", &entries) != 0
        || jvm_u64(in_jvm, "gHotSpotVMIntConstantEntryNameOffset", &name_off) != 0
        || jvm_u64(in_jvm, "gHotSpotVMIntConstantEntryValueOffset", &value_off) != 0
        || jvm_u64(in_jvm, "gHotSpotVMIntConstantEntryArrayStride", &stride) != 0 || stride == 0) {
        return -1;
    }
    for (const char *e = entries;; e += stride) {
        const char *n = *(const char *const *) (e + name_off);
        if (n == NULL) return -1;
        if (strcmp(n, name) == 0) {
            *out = *(const int32_t *) (e + value_off);
            return 0;
        }
    }
}

/* The address of `thread`'s state word, or NULL (not started, ended, or a virtual thread). */
static const volatile int32_t *state_word(JNIEnv *env, jobject thread) {
    jlong jt = (*env)->GetLongField(env, thread, hs.eetop);
    if (jt == 0) return NULL;
    return (const volatile int32_t *) ((char *) (intptr_t) jt + hs.state_offset);
}

/*
 * NativeThreads.carrierStateInit(Thread self): null once states can be read, else why not. `self` is
 * the calling platform thread: inside this JNI method its own state must read _thread_in_native,
 * which checks the offset found against the running VM.
 */
static jstring JNICALL carrier_state_init(JNIEnv *env, jclass cls, jobject self) {
    (void) cls;
    char why[200];
    const void *in_jvm = (const void *) (*env)->GetVersion; /* a JNI function: code inside libjvm */
    int32_t in_native_trans;
    if (hs.ready) return NULL;
    if (struct_field_offset(in_jvm, "JavaThread", "_thread_state", &hs.state_offset) != 0) {
        snprintf(why, sizeof why, "the VM exports no HotSpot structure table with JavaThread::_thread_state");
        return (*env)->NewStringUTF(env, why);
    }
    if (int_constant(in_jvm, "_thread_in_native", &hs.in_native) != 0
        || int_constant(in_jvm, "_thread_in_Java", &hs.in_java) != 0
        || int_constant(in_jvm, "_thread_in_vm", &hs.in_vm) != 0
        || int_constant(in_jvm, "_thread_blocked", &hs.blocked) != 0
        || int_constant(in_jvm, "_thread_in_native_trans", &in_native_trans) != 0) {
        snprintf(why, sizeof why, "the VM's constant table lacks the JavaThreadState values");
        return (*env)->NewStringUTF(env, why);
    }
    if (hs.state_offset == 0 || hs.state_offset > 65536) {
        snprintf(why, sizeof why, "JavaThread::_thread_state at an implausible offset %llu",
                 (unsigned long long) hs.state_offset);
        return (*env)->NewStringUTF(env, why);
    }
    jclass thread_class = (*env)->FindClass(env, "java/lang/Thread");
    if (thread_class == NULL) return NULL; /* an exception is pending: the Java caller sees it */
    hs.eetop = (*env)->GetFieldID(env, thread_class, "eetop", "J");
    if (hs.eetop == NULL) {
        (*env)->ExceptionClear(env);
        snprintf(why, sizeof why, "java.lang.Thread has no eetop field in this JDK");
        return (*env)->NewStringUTF(env, why);
    }
    const volatile int32_t *own = state_word(env, self);
    int32_t seen = own != NULL ? *own : -1;
    if (seen != hs.in_native) {
        snprintf(why, sizeof why, "the calling thread's state reads %d inside a JNI call, not _thread_in_native (%d)",
                 (int) seen, (int) hs.in_native);
        return (*env)->NewStringUTF(env, why);
    }
    hs.ready = 1;
    return NULL;
}

/* NativeThreads.registerCarrier(Thread self): the calling thread's handle, 0 if it cannot be watched. */
static jlong JNICALL register_carrier(JNIEnv *env, jclass cls, jobject self) {
    (void) cls;
    if (!hs.ready) return 0;
    const volatile int32_t *state = state_word(env, self);
    if (state == NULL) return 0;
    carrier *c = calloc(1, sizeof *c);
    if (c == NULL) return 0;
    c->state = state;
    if (jgort_os_thread_probe_self(&c->probe) != 0) c->probe = NULL;
    return (jlong) (intptr_t) c;
}

/* NativeThreads.deregisterCarrier(long handle): before the carrier's thread ends. */
static void JNICALL deregister_carrier(JNIEnv *env, jclass cls, jlong handle) {
    (void) env;
    (void) cls;
    carrier *c = (carrier *) (intptr_t) handle;
    if (c == NULL) return;
    if (c->probe != NULL) jgort_os_thread_probe_free(c->probe);
    free(c);
}

/* NativeThreads.carrierState(long handle): one of JGORT_CARRIER_* (carrier_state.h). */
static jint JNICALL carrier_state(JNIEnv *env, jclass cls, jlong handle) {
    (void) env;
    (void) cls;
    const carrier *c = (const carrier *) (intptr_t) handle;
    int32_t s = *c->state;
    if (s == hs.in_native) return JGORT_CARRIER_NATIVE;
    if (s == hs.in_java || s == hs.in_vm) return JGORT_CARRIER_JAVA;
    if (s == hs.blocked) return JGORT_CARRIER_BLOCKED;
    return JGORT_CARRIER_OTHER; /* in a transition */
}

/* NativeThreads.carrierCpuNanos(long handle): the CPU time the carrier has used, -1 if unknown. */
static jlong JNICALL carrier_cpu_nanos(JNIEnv *env, jclass cls, jlong handle) {
    (void) env;
    (void) cls;
    const carrier *c = (const carrier *) (intptr_t) handle;
    int64_t ns;
    if (c->probe == NULL || jgort_os_thread_probe_cpu(c->probe, &ns) != 0) return -1;
    return (jlong) ns;
}

/* NativeThreads.carrierOsState(long handle): JGORT_OS_THREAD_RUNNABLE, _WAITING or _UNKNOWN (jgort_os.h). */
static jint JNICALL carrier_os_state(JNIEnv *env, jclass cls, jlong handle) {
    (void) env;
    (void) cls;
    const carrier *c = (const carrier *) (intptr_t) handle;
    return c->probe != NULL ? jgort_os_thread_probe_state(c->probe) : JGORT_OS_THREAD_UNKNOWN;
}

/*
 * Where a thread's pending Java exception lives: ThreadShadow::_pending_exception, a field of every
 * JavaThread, from the same table. Looked up and checked once by JNI_OnLoad; offset 0 where the table
 * lacks it or the check failed (then jgort_invoke keeps calling ExceptionCheck).
 */
static uint64_t pending_exception_offset;
static jfieldID pending_eetop;
static jclass thread_class_ref; /* global ref: java.lang.Thread */
static jmethodID current_thread_method;

/* The calling thread's slot at `offset`, or NULL. */
static const void *const volatile *pending_slot(JNIEnv *env, uint64_t offset) {
    jobject self = (*env)->CallStaticObjectMethod(env, thread_class_ref, current_thread_method);
    if (self == NULL) {
        (*env)->ExceptionClear(env);
        return NULL;
    }
    jlong jt = (*env)->GetLongField(env, self, pending_eetop);
    (*env)->DeleteLocalRef(env, self);
    return jt != 0 ? (const void *const volatile *) ((char *) (intptr_t) jt + offset) : NULL;
}

int jgort_pending_exception_init(JNIEnv *env) {
    uint64_t off;
    const void *in_jvm = (const void *) (*env)->GetVersion;
    if (struct_field_offset(in_jvm, "ThreadShadow", "_pending_exception", &off) != 0 || off == 0 || off > 65536) return 0;
    jclass tc = (*env)->FindClass(env, "java/lang/Thread");
    jclass probe = (*env)->FindClass(env, "java/lang/Error");
    if (tc == NULL || probe == NULL) return -1;
    pending_eetop = (*env)->GetFieldID(env, tc, "eetop", "J");
    current_thread_method = (*env)->GetStaticMethodID(env, tc, "currentThread", "()Ljava/lang/Thread;");
    if (pending_eetop == NULL || current_thread_method == NULL) {
        (*env)->ExceptionClear(env);
        return 0; /* not the Thread this code knows */
    }
    thread_class_ref = (*env)->NewGlobalRef(env, tc);
    if (thread_class_ref == NULL) return -1;
    /* Checked against the running VM on this thread: empty now, set while an exception is pending,
     * empty again once it is cleared. */
    const void *const volatile *slot = pending_slot(env, off);
    if (slot == NULL || *slot != NULL) return 0;
    if ((*env)->ThrowNew(env, probe, "jgort: probing the pending-exception slot") != 0) return -1;
    int seen = *slot != NULL;
    (*env)->ExceptionClear(env);
    if (seen && *slot == NULL) pending_exception_offset = off;
    return 0;
}

const void *const volatile *jgort_pending_exception_slot(JNIEnv *env) {
    return pending_exception_offset != 0 ? pending_slot(env, pending_exception_offset) : NULL;
}

static JNINativeMethod carrier_methods[] = {
    {"carrierStateInit", "(Ljava/lang/Thread;)Ljava/lang/String;", (void *) carrier_state_init},
    {"registerCarrier", "(Ljava/lang/Thread;)J", (void *) register_carrier},
    {"deregisterCarrier", "(J)V", (void *) deregister_carrier},
    {"carrierState", "(J)I", (void *) carrier_state},
    {"carrierCpuNanos", "(J)J", (void *) carrier_cpu_nanos},
    {"carrierOsState", "(J)I", (void *) carrier_os_state},
};

int jgort_register_carrier_natives(JNIEnv *env, jclass natives) {
    return (*env)->RegisterNatives(env, natives, carrier_methods,
                                   (jint) (sizeof carrier_methods / sizeof carrier_methods[0]));
}
