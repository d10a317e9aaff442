package dev.jgort.jni;

/** JNI natives of the test library blocking.c: a JNI method that blocks its caller until released. */
final class BlockingNatives {
    private BlockingNatives() {}

    /** Blocks the calling thread in native code until {@link #release()}. */
    static native void awaitRelease();

    static native void release();

    /** Makes the next {@link #awaitRelease()} block again. */
    static native void reset();
}
