package dev.vecrnn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one float species of every SIMD kernel family: the width {@link Vectorization} settled on,
 * capped at the widest this machine offers (the cap needs the Vector API, so it is applied here).
 */
final class SimdSpecies {
    private SimdSpecies() {}

    /** Bits of the machine's widest float vector. */
    static final int MACHINE_BITS = FloatVector.SPECIES_PREFERRED.vectorBitSize();

    /**
     * The float species of every SIMD kernel. Copy it into a {@code static final} field of the class
     * that uses it: a species read from anything but a constant makes C2 box every vector.
     */
    static final VectorSpecies<Float> FLOATS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(Math.min(Vectorization.SETTINGS.bits(), MACHINE_BITS)));

    /**
     * The bits of a mask whose first {@code count} lanes are set, for {@code VectorMask.fromLong}.
     * Tail masks are made this way rather than with {@code indexInRange}, whose partial-range case
     * is a second intrinsic behind a branch: where that branch was cold when C2 compiled the method,
     * it ran as a plain call to the Java fallback and allocated a mask per tail (seen in the GEMV
     * tails after a warm-up on other shapes).
     */
    static long lanesBelow(int count) {
        return count >= 64 ? -1L : (1L << Math.max(count, 0)) - 1;
    }
}
