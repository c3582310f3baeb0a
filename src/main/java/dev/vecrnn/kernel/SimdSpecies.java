package dev.vecrnn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** Builds the float species of a given width, capped at what this machine offers. */
final class SimdSpecies {
    private SimdSpecies() {}

    /**
     * The float species of {@code bits} bits, or the preferred one when the machine's vectors are
     * narrower. Assign the result to a {@code static final} field: a species read from anything but
     * a constant makes C2 box every vector.
     */
    static VectorSpecies<Float> floats(int bits) {
        int max = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        return VectorSpecies.of(float.class, VectorShape.forBitSize(Math.min(bits, max)));
    }

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
