package dev.jgort.core;

import dev.jgort.spi.CarrierStates;

/**
 * A {@link CarrierStates} provider that finds no tables, as on a VM that does not export HotSpot's
 * structure tables (registered for the tests in META-INF/services): runtime-core's whole suite runs
 * on the fallback path through it.
 */
public final class TablesAbsentCarrierStates implements CarrierStates {
    static final String WHY = "the VM exports no HotSpot structure table (test provider)";

    public TablesAbsentCarrierStates() {}

    @Override
    public String name() {
        return "tables-absent";
    }

    @Override
    public String unavailableReason() {
        return WHY;
    }

    @Override
    public long register() {
        throw new AssertionError("an unavailable provider is never used");
    }

    @Override
    public void deregister(long handle) {
        throw new AssertionError("an unavailable provider is never used");
    }

    @Override
    public int state(long handle) {
        throw new AssertionError("an unavailable provider is never used");
    }

    @Override
    public long cpuTimeNanos(long handle) {
        throw new AssertionError("an unavailable provider is never used");
    }

    @Override
    public int osState(long handle) {
        throw new AssertionError("an unavailable provider is never used");
    }
}
