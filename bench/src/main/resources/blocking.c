/*
 * The blocking-native benchmarks' JNI side: a JNI native method that blocks its caller in C for a
 * while, as a JDBC driver's socket read or a compression library's native would. Compiled with gcc
 * by the benchmark's setup.
 */
#include <jni.h>
#include <unistd.h>

/* NativeBlocking.Jni.sleepMicros(int) */
JNIEXPORT jint JNICALL Java_dev_jgort_bench_NativeBlocking_00024Jni_sleepMicros(JNIEnv *env, jclass cls, jint micros) {
    (void) env;
    (void) cls;
    return (jint) usleep((useconds_t) micros);
}
