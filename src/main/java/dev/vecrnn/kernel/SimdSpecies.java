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
}
