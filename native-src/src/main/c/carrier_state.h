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

#endif /* JGORT_CARRIER_STATE_H */
