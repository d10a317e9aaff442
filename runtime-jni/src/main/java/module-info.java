/**
 * jgort's native backend: Ms as native threads made by libjgort, the HotSpot carrier-state reader
 * (for both backends) and callbacks from native threads ({@code dev.jgort.jni.NativeCallbacks}).
 *
 * <p>libjgort is loaded with {@code System.load} and its natives are registered in {@code JNI_OnLoad}
 * (JNI does no module access checks; the callbacks into {@code NativeCallbacks} and
 * {@code Runnable.run} need no opens); loading needs {@code --enable-native-access=dev.jgort.jni} on
 * the module path ({@code =ALL-UNNAMED} on the class path).
 */
module dev.jgort.jni {
    // transitive: NativeCallbacks.of takes a dev.jgort.api.GoRuntime
    requires transitive dev.jgort.api;

    exports dev.jgort.jni;

    provides dev.jgort.spi.ThreadBackend with dev.jgort.jni.NativeBackend;
    provides dev.jgort.spi.CarrierStates with dev.jgort.jni.HotSpotCarrierStates;
}
