package dev.jgort.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Choosing the native-call watch where the VM's thread states cannot be read (here: the only provider
 * says its tables are absent): "auto" falls back to the heuristics, "threadstate" is an error saying
 * why, "heuristic" never asks. (runtime-jni's NativeCallWatchTest covers the watch where it works.)
 */
class CarrierWatchTest {

    @Test
    void autoFallsBackToTheHeuristicsWhenNoProviderCanReadStates() {
        CarrierWatch w = CarrierWatch.choose(CarrierWatch.AUTO);
        assertFalse(w.active());
        assertEquals("heuristic", w.description);
        assertEquals(0, w.register(), "an inactive watch registers nothing");
        w.deregister(0);
    }

    @Test
    void threadstateIsAnErrorThatSaysWhyAndWhatToUseInstead() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CarrierWatch.choose(CarrierWatch.THREAD_STATE));
        assertTrue(e.getMessage().contains(TablesAbsentCarrierStates.WHY), e.getMessage());
        assertTrue(e.getMessage().contains("withNativeCallWatch(\"auto\")"), e.getMessage());
    }

    @Test
    void heuristicNeverLooksForAProvider() {
        CarrierWatch w = CarrierWatch.choose(CarrierWatch.HEURISTIC);
        assertFalse(w.active());
        assertEquals("heuristic", w.description);
    }
}
