/*
 * carrier_state.h: the natives of carrier_state.c, registered by jgort_jni.c's JNI_OnLoad.
 */
#ifndef JGORT_CARRIER_STATE_H
#define JGORT_CARRIER_STATE_H

#include <jni.h>

/* NativeThreads.carrierState results (the same numbers in dev.jgort.spi.CarrierStates). */
#define JGORT_CARRIER_OTHER 0   /* between states (a transition) */
#define JGORT_CARRIER_JAVA 1    /* running Java code, or inside the VM */
#define JGORT_CARRIER_NATIVE 2  /* in a JNI method, an FFM downcall or a JDK native */
#define JGORT_CARRIER_BLOCKED 3 /* parked, sleeping, waiting for a monitor or a safepoint */

/* Registers the carrier natives on dev.jgort.jni.NativeThreads; 0 or a JNI error. */
int jgort_register_carrier_natives(JNIEnv *env, jclass natives);

/*
 * For jgort_invoke's fast path on threads it attached itself: where the calling thread's pending Java
 * exception is kept (HotSpot's ThreadShadow::_pending_exception, non-NULL while one is pending), so
 * that one load replaces a JNI ExceptionCheck (a VM transition). Valid while the thread stays attached.
 * jgort_pending_exception_init looks the field up once (JNI_OnLoad; 0, or -1 on a JNI error);
 * jgort_pending_exception_slot then answers for the calling thread, NULL where the VM does not say.
 */
int jgort_pending_exception_init(JNIEnv *env);
const void *const volatile *jgort_pending_exception_slot(JNIEnv *env);

#endif /* JGORT_CARRIER_STATE_H */
