package dev.vecrnn.kernel;

/**
 * Per-thread scratch of the GEMM engines: the packed A block, the packed B block, one C tile for
 * edge blocks, and the GEMV vectors. Created once per thread (a {@link ThreadLocal}) and grown only
 * when a larger shape arrives, so the steady state allocates nothing.
 */
final class GemmWorkspace {
    float[] a = new float[0];
    float[] b = new float[0];
    float[] tile = new float[0];
    float[] x = new float[0];
    float[] y = new float[0];

    static float[] grow(float[] have, int need) {
        return have.length >= need ? have : new float[need];
    }
}
